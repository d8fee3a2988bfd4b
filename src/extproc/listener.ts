/**
 * The ext_proc listener as the composition root (src/assembly/app.ts) starts it: TLS, message size and
 * shutdown grace come from the config current at start-up; every stream then leases the runtime
 * current when it opens, so hot reloads apply to new streams only.
 */
import type { Logger } from '../log.js'
import { ExtProcServer } from './server.js'
import type { ExtProcRuntime, ExtProcRuntimeSource } from './types.js'

export interface ExtProcListening {
  readonly host: string
  readonly port: number
  /** `grpc://host:port` or `grpcs://host:port` (IPv6 hosts in brackets). */
  readonly url: string
}

export interface ExtProcListener {
  readonly listening: ExtProcListening
  readonly server: ExtProcServer
  close(graceMs: number): Promise<void>
}

export async function startExtProcListener(args: {
  readonly runtimes: ExtProcRuntimeSource & { current(): ExtProcRuntime }
  readonly log: Logger
  readonly host: string
  readonly port: number
  /** Overrides `extproc.tls` (the `--secure` / `--cert-path` flags). */
  readonly tls?: { readonly enabled: boolean; readonly certPath: string }
}): Promise<ExtProcListener> {
  const config = args.runtimes.current().config
  const tls = args.tls ?? {
    enabled: config.extproc.tls.enabled,
    certPath: config.extproc.tls.cert_path,
  }
  const server = await ExtProcServer.start({
    host: args.host,
    port: args.port,
    runtimes: args.runtimes,
    log: args.log,
    tls,
    // A BUFFERED request or response body arrives as one gRPC message.
    maxMessageBytes: Math.max(config.server.max_body_bytes, config.upstream.max_response_bytes),
    shutdownGraceMs: config.server.shutdown_grace_ms,
  })
  const host = args.host.includes(':') ? `[${args.host}]` : args.host
  return {
    server,
    listening: {
      host: args.host,
      port: server.port,
      url: `${tls.enabled ? 'grpcs' : 'grpc'}://${host}:${server.port}`,
    },
    close: (graceMs) => server.close(graceMs),
  }
}
