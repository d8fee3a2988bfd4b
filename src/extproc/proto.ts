/**
 * Loads the project's own ext_proc and gRPC health protos (proto/) and exposes their service
 * definitions to grpc-js. The protos are written from Envoy's published wire contract; a test
 * pins the field numbers that matter.
 */
import { fileURLToPath } from 'node:url'
import { loadSync, type Options } from '@grpc/proto-loader'
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

function serviceOf(pkg: ReturnType<typeof loadSync>, name: string): ServiceDefinition {
  const definition = pkg[name]
  if (!definition || !('Process' in definition || 'Check' in definition))
    throw new Error(`service ${name} missing from the loaded protos`)
  return definition
}

/** Parse the protos once per process. */
export function loadServices(): LoadedServices {
  if (loaded) return loaded
  const extProcPkg = loadSync('envoy/service/ext_proc/v3/external_processor.proto', LOADER_OPTIONS)
  const healthPkg = loadSync('grpc/health/v1/health.proto', LOADER_OPTIONS)
  loaded = {
    extProc: serviceOf(extProcPkg, EXT_PROC_SERVICE),
    health: serviceOf(healthPkg, HEALTH_SERVICE),
  }
  return loaded
}
