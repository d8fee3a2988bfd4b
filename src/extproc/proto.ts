/**
 * The project's own ext_proc and gRPC health protos (proto/), written from Envoy's published wire
 * contract; a test pins the field numbers that matter. The server encodes with protobufjs
 * (codec.ts); `loadServices()` gives grpc-js service definitions to gRPC clients (the tests'
 * Envoy stand-in, health probes, the benchmark's echo floor).
 */
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { loadSync as LoadSync, Options } from '@grpc/proto-loader'
import type { ServiceDefinition } from '@grpc/grpc-js'

/** Repository `proto/` folder (also shipped in the npm package). */
export const PROTO_DIR = fileURLToPath(new URL('../../proto', import.meta.url))

export const EXT_PROC_SERVICE = 'envoy.service.ext_proc.v3.ExternalProcessor'
export const HEALTH_SERVICE = 'grpc.health.v1.Health'

/**
 * Decode options: snake_case field names as on the wire, enums as numbers (cheap and exact),
 * bytes as Buffers, no default-filling (absent fields stay absent), and the oneof case name in a
 * virtual field (`request` / `response`).
 */
export const LOADER_OPTIONS: Options = {
  keepCase: true,
  longs: String,
  defaults: false,
  oneofs: true,
  includeDirs: [PROTO_DIR],
}

interface LoadedServices {
  readonly extProc: ServiceDefinition
  readonly health: ServiceDefinition
}

let loaded: LoadedServices | undefined

function serviceOf(pkg: ReturnType<typeof LoadSync>, name: string): ServiceDefinition {
  const definition = pkg[name]
  if (!definition || !('Process' in definition || 'Check' in definition))
    throw new Error(`service ${name} missing from the loaded protos`)
  return definition
}

/**
 * Parse the protos once per process. proto-loader is a development dependency (the server does
 * not use it), so it is loaded on first call only.
 */
export function loadServices(): LoadedServices {
  if (loaded) return loaded
  const { loadSync } = createRequire(import.meta.url)('@grpc/proto-loader') as {
    loadSync: typeof LoadSync
  }
  const extProcPkg = loadSync('envoy/service/ext_proc/v3/external_processor.proto', LOADER_OPTIONS)
  const healthPkg = loadSync('grpc/health/v1/health.proto', LOADER_OPTIONS)
  loaded = {
    extProc: serviceOf(extProcPkg, EXT_PROC_SERVICE),
    health: serviceOf(healthPkg, HEALTH_SERVICE),
  }
  return loaded
}
