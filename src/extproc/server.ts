/**
 * The ext_proc gRPC listener: `envoy.service.ext_proc.v3.ExternalProcessor/Process` plus the gRPC
 * health service, optional TLS, and a graceful shutdown that lets open streams finish. The gRPC
 * protocol itself is our small server core on node:http2 (./grpc).
 *
 * Each stream's messages are handled strictly in order (Envoy expects one reply per message, in
 * order). A failure ends only its own stream: protocol violations close it with INVALID_ARGUMENT,
 * anything unexpected with INTERNAL, and Envoy then applies its failure_mode_allow.
 */
import type { RouterConfig } from '../config/schema/index.js'
import { RequestEdge } from '../edge/request-edge.js'
import { logEvent, type Logger } from '../log.js'
import { PROCESS_PATH, processCodec } from './codec.js'
import {
  bidiStreamingMethod,
  GrpcServer,
  GrpcStatus,
  type MethodDefinition,
  type ServerCall,
} from './grpc/index.js'
import { HealthService } from './health.js'
import { ExtProcProtocolError, ExtProcStream } from './stream.js'
import { serverKeyPair, type TlsSettings } from './tls.js'
import type { ExtProcRuntime, ExtProcRuntimeSource } from './types.js'
import type { ProcessingRequest, ProcessingResponse } from './wire.js'

export interface ExtProcServerOptions {
  readonly host: string
  /** 0 picks a free port (tests). */
  readonly port: number
  /** Leased once per stream, so a config reload never changes the rules under an open stream. */
  readonly runtimes: ExtProcRuntimeSource
  readonly log: Logger
  readonly tls?: TlsSettings
  /** Largest gRPC message accepted or sent (a BUFFERED body arrives as one message). */
  readonly maxMessageBytes: number
  /** How long close() waits for open streams before cancelling them. */
  readonly shutdownGraceMs: number
  /** Concurrent streams per HTTP/2 connection (Envoy multiplexes every request on a few). */
  readonly maxConcurrentStreams?: number
}

type ProcessCall = ServerCall<ProcessingRequest, ProcessingResponse>

/** Room for the rest of a ProcessingRequest around a body of the maximum size. */
const MESSAGE_OVERHEAD = 64 * 1024

export class ExtProcServer {
  readonly health = new HealthService()
  /** Certificate served when TLS is on (self-signed ones included). */
  readonly certificate: Buffer | undefined
  private server: GrpcServer | undefined
  private readonly options: ExtProcServerOptions
  private readonly calls = new Set<ProcessCall>()
  private closing: Promise<void> | undefined
  /** The request edge of the config last seen (rebuilt when a reload changes the config). */
  private edge: { readonly config: RouterConfig; readonly edge: RequestEdge } | undefined

  private constructor(options: ExtProcServerOptions, certificate: Buffer | undefined) {
    this.options = options
    this.certificate = certificate
  }

  static async start(options: ExtProcServerOptions): Promise<ExtProcServer> {
    const keyPair = serverKeyPair(options.tls ?? { enabled: false, certPath: '' })
    const instance = new ExtProcServer(options, keyPair?.cert)
    const methods: MethodDefinition<never, never>[] = [
      bidiStreamingMethod(PROCESS_PATH, processCodec(), (call) => instance.process(call)),
      ...instance.health.methods(),
    ] as unknown as MethodDefinition<never, never>[]
    instance.server = await GrpcServer.listen(
      {
        methods,
        maxMessageBytes: options.maxMessageBytes + MESSAGE_OVERHEAD,
        maxConcurrentStreams: options.maxConcurrentStreams ?? 100_000,
        ...(keyPair ? { tls: keyPair } : {}),
      },
      options.host,
      options.port,
    )
    instance.health.setReady(true)
    logEvent(options.log, 'extproc_listening', {
      address: `${options.host}:${instance.port}`,
      tls: options.tls?.enabled ?? false,
    })
    return instance
  }

  get port(): number {
    return this.server?.port ?? 0
  }

  /** Streams currently open. */
  get openStreams(): number {
    return this.calls.size
  }

  private edgeFor(runtime: ExtProcRuntime): RequestEdge {
    const { config, services } = runtime
    const keys = services.state
    if (this.edge?.config !== config)
      this.edge = {
        config,
        edge: RequestEdge.fromConfig(
          config,
          keys && {
            listener: 'extproc',
            keys,
            onError: (err) =>
              logEvent(services.log, 'api_keys_unreadable', { error: err.message }, 'error'),
          },
        ),
      }
    return this.edge.edge
  }

  private process(call: ProcessCall): void {
    const lease = this.options.runtimes.acquire()
    const runtime = lease.runtime
    const stream = new ExtProcStream(runtime, this.edgeFor(runtime))
    const inflight = runtime.services.metrics.inflightRequests
    inflight.inc({ transport: 'extproc' })
    this.calls.add(call)
    let cancelled = false
    let failed = false
    let queue: Promise<void> = Promise.resolve()

    const settle = (): void => {
      if (!this.calls.delete(call)) return
      inflight.dec({ transport: 'extproc' })
      lease.release()
    }
    const fail = (err: unknown): void => {
      if (failed || cancelled) return
      failed = true
      const protocol = err instanceof ExtProcProtocolError
      if (!protocol)
        logEvent(
          this.options.log,
          'extproc_stream_failed',
          { error: (err as Error).message },
          'error',
        )
      call.fail(
        protocol ? GrpcStatus.INVALID_ARGUMENT : GrpcStatus.INTERNAL,
        (err as Error).message,
      )
      void stream.close('cancelled').finally(settle)
    }

    call.onMessage = (message) => {
      queue = queue.then(async () => {
        if (cancelled || failed) return
        try {
          const reply = await stream.handle(message)
          if (reply && !cancelled && !failed) call.write(reply)
        } catch (err) {
          fail(err)
        }
      })
    }
    // Envoy's half-close: every message was answered (the queue runs in order), end the call.
    // A reset stream never reaches here: the core reports it as a cancel instead.
    call.onHalfClose = () => {
      queue = queue.then(async () => {
        if (cancelled || failed) return
        await stream.close('end')
        call.end()
        settle()
      })
    }
    call.onCancel = () => {
      if (failed) return
      cancelled = true
      void stream.close('cancelled').finally(settle)
    }
  }

  /**
   * Stop accepting streams, report NOT_SERVING, let open streams finish for up to `graceMs`, then
   * cancel what is left. Idempotent.
   */
  close(graceMs = this.options.shutdownGraceMs): Promise<void> {
    this.closing ??= (async () => {
      this.health.setReady(false)
      this.health.endWatches()
      if (!this.server) return
      await this.server.shutdown(graceMs, () =>
        logEvent(
          this.options.log,
          'extproc_shutdown_forced',
          { open_streams: this.calls.size },
          'warn',
        ),
      )
    })()
    return this.closing
  }
}
