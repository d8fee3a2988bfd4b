/**
 * The ext_proc gRPC listener: `envoy.service.ext_proc.v3.ExternalProcessor/Process` plus the gRPC
 * health service, optional TLS, and a graceful shutdown that lets open streams finish.
 *
 * Each stream's messages are handled strictly in order (Envoy expects one reply per message, in
 * order). A failure ends only its own stream: protocol violations close it with INVALID_ARGUMENT,
 * anything unexpected with INTERNAL, and Envoy then applies its failure_mode_allow.
 */
import {
  Server,
  status as GrpcStatus,
  type ServerDuplexStream,
  type ServiceError,
} from '@grpc/grpc-js'
import { logEvent, type Logger } from '../log.js'
import { processServiceDefinition } from './codec.js'
import { HealthService } from './health.js'
import { loadServices } from './proto.js'
import { ExtProcProtocolError, ExtProcStream } from './stream.js'
import { serverCredentials, type TlsSettings } from './tls.js'
import type { ExtProcRuntimeSource } from './types.js'
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

type ProcessCall = ServerDuplexStream<ProcessingRequest, ProcessingResponse>

const MESSAGE_OVERHEAD = 64 * 1024

export class ExtProcServer {
  readonly health = new HealthService()
  /** Certificate served when TLS is on (self-signed ones included). */
  readonly certificate: Buffer | undefined
  private readonly server: Server
  private readonly options: ExtProcServerOptions
  private readonly calls = new Set<ProcessCall>()
  private boundPort = 0
  private closing: Promise<void> | undefined

  private constructor(options: ExtProcServerOptions, certificate: Buffer | undefined) {
    this.options = options
    this.certificate = certificate
    const limit = options.maxMessageBytes + MESSAGE_OVERHEAD
    this.server = new Server({
      'grpc.max_receive_message_length': limit,
      'grpc.max_send_message_length': limit,
      'grpc.max_concurrent_streams': options.maxConcurrentStreams ?? 100_000,
    })
    this.server.addService(processServiceDefinition(), {
      Process: (call: ProcessCall) => this.process(call),
    })
    this.server.addService(loadServices().health, this.health.implementation())
  }

  static async start(options: ExtProcServerOptions): Promise<ExtProcServer> {
    const { credentials, certificate } = serverCredentials(
      options.tls ?? { enabled: false, certPath: '' },
    )
    const instance = new ExtProcServer(options, certificate)
    const address = `${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`
    instance.boundPort = await new Promise<number>((resolve, reject) => {
      instance.server.bindAsync(address, credentials, (err, port) =>
        err ? reject(err) : resolve(port),
      )
    })
    instance.health.setReady(true)
    logEvent(options.log, 'extproc_listening', {
      address: `${options.host}:${instance.boundPort}`,
      tls: options.tls?.enabled ?? false,
    })
    return instance
  }

  get port(): number {
    return this.boundPort
  }

  /** Streams currently open. */
  get openStreams(): number {
    return this.calls.size
  }

  private process(call: ProcessCall): void {
    const lease = this.options.runtimes.acquire()
    const runtime = lease.runtime
    const stream = new ExtProcStream(runtime)
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
      const error: Partial<ServiceError> = {
        code: protocol ? GrpcStatus.INVALID_ARGUMENT : GrpcStatus.INTERNAL,
        details: (err as Error).message,
      }
      call.emit('error', error)
      void stream.close('cancelled').finally(settle)
    }

    call.on('data', (message: ProcessingRequest) => {
      queue = queue.then(async () => {
        if (cancelled || failed) return
        try {
          const reply = await stream.handle(message)
          if (reply && !cancelled && !failed) call.write(reply)
        } catch (err) {
          fail(err)
        }
      })
    })
    call.on('end', () => {
      queue = queue.then(async () => {
        // grpc-js signals a reset stream as 'end' followed by 'cancelled' in the same I/O turn:
        // look one turn later so a cancel is not mistaken for Envoy's normal half-close.
        await new Promise((resolve) => setImmediate(resolve))
        if (cancelled || failed) return
        await stream.close('end')
        call.end()
        settle()
      })
    })
    call.on('cancelled', () => {
      cancelled = true
      void stream.close('cancelled').finally(settle)
    })
    call.on('error', () => {
      cancelled = true
      void stream.close('cancelled').finally(settle)
    })
  }

  /**
   * Stop accepting streams, report NOT_SERVING, let open streams finish for up to `graceMs`, then
   * cancel what is left. Idempotent.
   */
  close(graceMs = this.options.shutdownGraceMs): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.health.setReady(false)
      this.health.endWatches()
      const timer = setTimeout(() => {
        logEvent(
          this.options.log,
          'extproc_shutdown_forced',
          { open_streams: this.calls.size },
          'warn',
        )
        this.server.forceShutdown()
        resolve()
      }, graceMs)
      this.server.tryShutdown(() => {
        clearTimeout(timer)
        resolve()
      })
    })
    return this.closing
  }
}
