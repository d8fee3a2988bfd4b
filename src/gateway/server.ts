/**
 * The standalone OpenAI-compatible gateway (default port 8801), on node:http.
 *
 * Routes: POST /v1/chat/completions (routed through the pipeline and forwarded upstream),
 * GET /v1/models (the auto model plus configured models), GET /health. Each request leases the
 * runtime current at its start (hot reload never changes the rules under a request in flight).
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { RouterError, toRouterError } from '../errors.js'
import type { Logger } from '../log.js'
import type { RouterMetrics } from '../metrics/router-metrics.js'
import type { RequestMeta, RequestOutcome } from '../pipeline/types.js'
import type { RuntimeSource } from '../pipeline/runtime.js'
import { readBody } from './body.js'
import { ClientWatch } from './client-watch.js'
import { forward, type ForwardResult } from './forward.js'
import { acceptableRequestId, clientMetaHeaders, upstreamRequestHeaders } from './headers.js'
import { listen, type Listening } from '../http/listen.js'
import { sendError, sendJson, type ErrorContext } from './respond.js'
import type { Runtime } from '../pipeline/runtime.js'
import { UpstreamPools } from './upstream-pool.js'

export interface GatewayOptions {
  readonly runtimes: RuntimeSource<Runtime>
  readonly log: Logger
  readonly metrics: RouterMetrics
  /** Longest time a client may take to send a whole request (slow-loris bound). */
  readonly requestTimeoutMs?: number
}

/** One chat request as the gateway handles it. */
interface Exchange {
  readonly runtime: Runtime
  readonly req: IncomingMessage
  readonly res: ServerResponse
  /** Path and query as the client sent them. */
  readonly url: string
  readonly requestId: string
  /** Client headers as the pipeline saw them (routing headers removed). */
  readonly headers: Record<string, string>
  readonly client: ClientWatch
  readonly errCtx: ErrorContext
}

/** Errors the pipeline already logged and counted (so the edge does not log them twice). */
const reported = new WeakSet<RouterError>()

const CHAT_PATH = '/v1/chat/completions'
const MODELS_PATH = '/v1/models'
const TRANSPORT = 'gateway'

export class Gateway {
  readonly server: Server
  private readonly options: GatewayOptions
  private pools: UpstreamPools | undefined
  private inflight = 0
  private readonly inflightGauge: { inc(): void; dec(): void }
  private idleWaiters: (() => void)[] = []

  constructor(options: GatewayOptions) {
    this.options = options
    this.inflightGauge = options.metrics.inflightRequests.labels({ transport: TRANSPORT })
    this.server = createServer(
      {
        requestTimeout: options.requestTimeoutMs ?? 60_000,
        headersTimeout: 30_000,
        keepAliveTimeout: 65_000,
      },
      (req, res) => void this.handle(req, res),
    )
  }

  listen(port: number, host: string): Promise<Listening> {
    return listen(this.server, port, host)
  }

  /** Stop accepting, let requests in flight finish for up to graceMs, then cut the rest. */
  async close(graceMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.server.closeIdleConnections()
    if (this.inflight > 0) {
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
      ])
    }
    this.server.closeAllConnections()
    await closed
    await this.pools?.destroy()
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    const requestId = acceptableRequestId(req.headers['x-request-id']) ?? randomUUID()
    const errCtx: ErrorContext = {
      log: this.options.log,
      requestId,
      transport: TRANSPORT,
      method: req.method ?? '',
      path,
    }
    try {
      if (path === CHAT_PATH) {
        if (req.method !== 'POST') throw methodNotAllowed(res, 'POST')
        await this.chat(req, res, url, requestId, errCtx)
      } else if (path === MODELS_PATH) {
        if (req.method !== 'GET') throw methodNotAllowed(res, 'GET')
        const body = JSON.stringify(this.options.runtimes.current().pipeline.listModels('gateway'))
        sendJson(res, 200, body, { 'x-request-id': requestId })
      } else if (path === '/health') {
        sendJson(res, 200, '{"status":"healthy","service":"gateway"}', {})
      } else {
        throw new RouterError('route_not_found', `No route for ${req.method ?? ''} ${path}`)
      }
    } catch (err) {
      const error = toRouterError(err)
      const logged = reported.has(error)
      if (!logged && path === CHAT_PATH && error.code !== 'method_not_allowed')
        this.options.metrics.recordError(undefined, error.code)
      sendError(res, error, {
        ...errCtx,
        closeConnection: !req.complete,
        logged,
      })
    }
  }

  private async chat(
    req: IncomingMessage,
    res: ServerResponse,
    url: string,
    requestId: string,
    errCtx: ErrorContext,
  ): Promise<void> {
    const startedAt = performance.now()
    const lease = this.options.runtimes.acquire()
    const runtime = lease.runtime
    const config = runtime.config
    const client = new ClientWatch(res)
    this.inflight++
    this.inflightGauge.inc()
    try {
      checkContentType(req.headers['content-type'])
      const body = await readBody(req, config.server.max_body_bytes)
      const destinationHeader = config.extproc.destination_header
      const headers = clientMetaHeaders(req.headers, destinationHeader)
      const meta: RequestMeta = {
        requestId,
        transport: TRANSPORT,
        method: 'POST',
        path: CHAT_PATH,
        headers,
        acceptsEventStream: (headers['accept'] ?? '').includes('text/event-stream'),
        startedAt,
        get signal() {
          return client.signal
        },
      }
      let outcome: RequestOutcome
      try {
        outcome = await runtime.pipeline.handleRequest(body, meta)
      } catch (err) {
        // The pipeline has already logged and counted its own rejections.
        if (err instanceof RouterError) reported.add(err)
        throw err
      }
      if (outcome.action === 'respond') {
        const r = outcome.response
        sendJson(res, r.status, r.body, { ...r.headers, 'x-request-id': requestId })
        return
      }
      await this.relay(outcome, { runtime, req, res, url, requestId, headers, client, errCtx })
    } finally {
      client.dispose()
      lease.release()
      this.inflightGauge.dec()
      if (--this.inflight === 0) for (const w of this.idleWaiters.splice(0)) w()
    }
  }

  private async relay(
    outcome: Extract<RequestOutcome, { action: 'forward' }>,
    exchange: Exchange,
  ): Promise<void> {
    const { runtime, req, res, url, requestId, client, errCtx } = exchange
    const { ctx } = outcome
    const tracker = runtime.pipeline.startResponse(ctx)
    let result: ForwardResult
    try {
      const endpoint = ctx.endpoint
      if (endpoint === undefined)
        throw new RouterError(
          'no_endpoint',
          `No endpoint is configured for model ${ctx.selectedModel}`,
        )
      const apiKey = endpoint.apiKeyEnv === undefined ? undefined : process.env[endpoint.apiKeyEnv]
      const headers = upstreamRequestHeaders({
        client: exchange.headers,
        connection: req.headers['connection'],
        requestId,
        bodyLength: outcome.body.length,
        fromPipeline: ctx.upstreamHeaders,
        apiKey: apiKey === '' ? undefined : apiKey,
        hostPort: endpoint.hostPort,
      })
      result = await forward({
        dispatcher: this.currentPools().get(endpoint),
        path: url.startsWith(CHAT_PATH) ? url : CHAT_PATH,
        headers,
        body: outcome.body,
        res,
        tracker,
        extraHeaders: { 'x-request-id': requestId },
        client,
      })
    } catch (err) {
      // The request ends here: the modules' response hooks still run, so nothing they hold (the
      // cache's waiting duplicates of this request) is left waiting for an answer that never comes.
      await tracker.finish(toRouterError(err).code)
      throw err
    }
    switch (result.kind) {
      case 'done':
        await tracker.finish()
        return
      case 'cancelled':
        this.options.metrics.recordError(ctx.upstreamModel, 'cancellation')
        await tracker.finish('cancellation')
        return
      case 'failed':
      case 'broken':
        this.options.metrics.recordError(ctx.upstreamModel, result.error.code)
        await tracker.finish(result.error.code)
        sendError(res, result.error, errCtx)
        return
    }
  }

  /**
   * Pools for the current config's `upstream` settings; replaced (old ones drained) when a reload
   * changes them. Requests still running on an older runtime use the current pools too.
   */
  private currentPools(): UpstreamPools {
    const settings = this.options.runtimes.current().config.upstream
    const current = this.pools
    if (current?.matches(settings)) return current
    this.pools = new UpstreamPools(settings)
    void current?.close()
    return this.pools
  }
}

function methodNotAllowed(res: ServerResponse, allowed: string): RouterError {
  res.setHeader('allow', allowed)
  return new RouterError('method_not_allowed', `Use ${allowed} for this path`)
}

/**
 * JSON bodies only. Absent, `text/plain` and form encoding are tolerated because `curl -d` sends the
 * latter by default and the body is parsed as JSON either way; anything else (multipart, binary) is
 * refused with 415 before the body is read.
 */
function checkContentType(value: string | undefined): void {
  if (value === undefined) return
  const semi = value.indexOf(';')
  const type = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase()
  if (
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'text/plain' ||
    type === 'application/x-www-form-urlencoded' ||
    type === ''
  )
    return
  throw new RouterError(
    'unsupported_media_type',
    `Content-Type ${type} is not supported; send application/json`,
  )
}
