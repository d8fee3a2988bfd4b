/**
 * Relay one routed request upstream, trying again elsewhere while nothing has reached the client:
 * a try that fails before the endpoint's first body byte (refused or cut connection, timeout, a
 * full connection pool past `queue_timeout_ms`) or answers 429/5xx goes to another endpoint of
 * the same model (the endpoint policy picks, tried endpoints excluded), then — for a request the
 * router routed — to the decision's next candidate model, decided anew by the pipeline (that
 * model's reasoning template, PII policy and endpoint), and when nothing else is left, to the same
 * endpoints again. At most `resilience.retries.max_tries` tries, within the retry budget, with a
 * jittered backoff that honours `Retry-After` when the same endpoint is tried again. Once the
 * first byte went out a failure ends the response (streams: an error event).
 *
 * Every failed try is logged (`upstream_try_failed`, with the request id), counted
 * (`llm_endpoint_retries_total`, `llm_model_failovers_total`) and reported to the endpoint policy
 * (outlier detection); the request's `routing_decision` line carries the number of tries.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { CHAT_PATH, splitTarget } from '../edge/paths.js'
import type { EdgeRequest } from '../edge/request-edge.js'
import { RouterError, toRouterError } from '../errors.js'
import { sendError, sendJson, type ErrorContext } from '../http/respond.js'
import { logEvent, type Logger } from '../log.js'
import type { RouterMetrics } from '../metrics/router-metrics.js'
import type { RouterConfig } from '../config/schema/index.js'
import type { Runtime } from '../pipeline/runtime.js'
import type { RequestContext, RequestOutcome } from '../pipeline/types.js'
import { parseRetryAfter } from '../http/retry-after.js'
import type { ClientWatch } from './client-watch.js'
import { forward, type ForwardRequest, type ForwardResult } from './forward.js'
import { upstreamRequestHeaders } from './headers.js'
import { backoffMs, isRetryableStatus, type RetryBudget } from './retry-budget.js'
import type { UpstreamPools } from './upstream-pool.js'

export interface RelayExchange {
  readonly runtime: Runtime
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly request: EdgeRequest
  readonly client: ClientWatch
  readonly errCtx: ErrorContext
}

export interface RelayDeps {
  readonly metrics: RouterMetrics
  readonly log: Logger
  readonly budget: RetryBudget
  readonly pools: () => UpstreamPools
}

type Forwarded = Extract<RequestOutcome, { action: 'forward' }>
/** A try whose answer the client did not get. */
type Missed = Extract<ForwardResult, { kind: 'failed' | 'retry' }>
/** Where the next try goes: a context and body, or an answer the re-decided request got. */
type Next =
  | { readonly ctx: RequestContext; readonly body: Buffer }
  | { readonly respond: Extract<RequestOutcome, { action: 'respond' }> }

export async function relay(first: Forwarded, ex: RelayExchange, deps: RelayDeps): Promise<void> {
  const { runtime, res, client } = ex
  const retries = runtime.config.resilience.retries
  deps.budget.request()
  let ctx = first.ctx
  let body = first.body
  const triedEndpoints = new Set<string>()
  const triedModels = new Set<string>()
  for (let attempt = 1; ; attempt++) {
    const endpoint = ctx.endpoint
    const tracker = runtime.pipeline.startResponse(ctx)
    if (endpoint === undefined) {
      await tracker.finish('no_endpoint')
      throw new RouterError(
        'no_endpoint',
        `No endpoint is configured for model ${ctx.selectedModel}`,
      )
    }
    ctx.decisionLog['tries'] = attempt
    ctx.decisionLog['endpoint'] = endpoint.name
    const startedAt = performance.now()
    let result: ForwardResult
    try {
      result = await forward(
        forwardRequest(
          ctx,
          body,
          tracker,
          (status) => isRetryableStatus(status) && mayRetry(attempt, retries, client, deps),
          ex,
          deps,
        ),
      )
    } catch (err) {
      // The request ends here: the modules' response hooks still run, so nothing they hold (the
      // cache's waiting duplicates of this request) is left waiting for an answer that never comes.
      await tracker.finish(toRouterError(err).code)
      throw err
    }
    if (
      result.kind === 'retry' ||
      (result.kind === 'failed' && mayRetry(attempt, retries, client, deps))
    ) {
      const missed: Missed = result
      const retryAfter = missed.kind === 'retry' ? missed.retryAfter : undefined
      runtime.pipeline.reportTry(ctx, {
        status: missed.kind === 'retry' ? missed.status : 0,
        latencySeconds: (performance.now() - startedAt) / 1000,
        ...(missed.kind === 'failed' ? { error: missed.error.code } : {}),
        ...(retryAfter === undefined ? {} : { retryAfterMs: parseRetryAfter(retryAfter) }),
      })
      const reason = missed.kind === 'retry' ? `status_${missed.status}` : missed.error.code
      deps.metrics.endpoints.retries.inc({ endpoint: endpoint.name, reason })
      triedEndpoints.add(endpoint.name)
      const model = ctx.selectedModel
      const next = await nextTry(ctx, body, triedEndpoints, triedModels, runtime)
      const wait =
        'ctx' in next
          ? backoffMs(
              attempt,
              retries,
              next.ctx.endpoint?.name === endpoint.name ? retryAfter : undefined,
            )
          : 0
      logEvent(
        deps.log,
        'upstream_try_failed',
        {
          request_id: ctx.meta.requestId,
          try: attempt,
          endpoint: endpoint.name,
          model,
          status: missed.kind === 'retry' ? missed.status : 0,
          error:
            missed.kind === 'retry' ? `upstream answered ${missed.status}` : missed.error.message,
          next_endpoint: 'ctx' in next ? (next.ctx.endpoint?.name ?? '') : '',
          next_model: 'ctx' in next ? next.ctx.selectedModel : '',
          backoff_ms: wait,
        },
        'warn',
      )
      if ('respond' in next) {
        const r = next.respond.response
        sendJson(res, r.status, r.body, { ...r.headers, 'x-request-id': ctx.meta.requestId })
        return
      }
      if (next.ctx.selectedModel !== model)
        deps.metrics.endpoints.failovers.inc({
          from_model: model,
          to_model: next.ctx.selectedModel,
        })
      ctx = next.ctx
      body = next.body
      if (wait > 0) await sleep(wait)
      continue
    }
    await settle(result, ctx, tracker, ex, deps)
    return
  }
}

/** The last try's result reaches the client (or was cut while relaying). */
async function settle(
  result: ForwardResult,
  ctx: RequestContext,
  tracker: ReturnType<Runtime['pipeline']['startResponse']>,
  ex: RelayExchange,
  deps: RelayDeps,
): Promise<void> {
  switch (result.kind) {
    case 'done':
      await tracker.finish()
      return
    case 'cancelled':
      deps.metrics.recordError(ctx.upstreamModel, 'cancellation')
      await tracker.finish('cancellation')
      return
    case 'retry':
    case 'failed':
    case 'broken': {
      const error =
        result.kind === 'retry'
          ? new RouterError('upstream_unavailable', `upstream answered ${result.status}`)
          : result.error
      deps.metrics.recordError(ctx.upstreamModel, error.code)
      await tracker.finish(error.code)
      sendError(ex.res, error, ex.errCtx)
      return
    }
  }
}

/**
 * Where the retry goes: another endpoint of the model; else (a routed request) the decision's next
 * model, decided anew; else the model's endpoints again.
 */
async function nextTry(
  ctx: RequestContext,
  body: Buffer,
  triedEndpoints: Set<string>,
  triedModels: Set<string>,
  runtime: Runtime,
): Promise<Next> {
  const pipeline = runtime.pipeline
  let discarded = false
  try {
    return await nextTarget(ctx, body, triedEndpoints, triedModels, runtime, () => {
      discarded = true
    })
  } catch (err) {
    // Nothing may be tried (every endpoint left is cooling down after a Retry-After): the request
    // ends here, and what the modules hold for it is released.
    if (!discarded) pipeline.discard(ctx, toRouterError(err).code)
    throw err
  }
}

async function nextTarget(
  ctx: RequestContext,
  body: Buffer,
  triedEndpoints: Set<string>,
  triedModels: Set<string>,
  runtime: Runtime,
  onDiscard: () => void,
): Promise<Next> {
  const pipeline = runtime.pipeline
  const failOver = runtime.config.resilience.retries.fail_over_models && ctx.autoRouted
  let other: { body: Buffer } | undefined
  try {
    other = pipeline.retarget(ctx, triedEndpoints, body)
  } catch (err) {
    // The model's other endpoints are all cooling down after a Retry-After: the decision's next
    // model may still serve, so the refusal stands only when there is none to fail over to.
    // Anything else is not a refusal and is not hidden by a fail-over.
    if (!failOver || !isCoolingRefusal(err)) throw err
  }
  if (other) return { ctx, body: other.body }
  if (failOver) {
    triedModels.add(ctx.selectedModel)
    // What the modules hold for this request (the cache's coalescing slot) is released first: the
    // request is decided again as itself.
    pipeline.discard(ctx, 'failover')
    onDiscard()
    const meta = { ...ctx.meta, avoidModels: new Set(triedModels) }
    let outcome: RequestOutcome
    try {
      outcome = await pipeline.handleRequest(ctx.request.raw, meta)
    } catch {
      // No model left that routing accepts: keep to the one we have.
      triedEndpoints.clear()
      return { ctx, body: pipeline.retarget(ctx, triedEndpoints, body)?.body ?? body }
    }
    if (outcome.action === 'respond') return { respond: outcome }
    triedEndpoints.clear()
    return { ctx: outcome.ctx, body: outcome.body }
  }
  triedEndpoints.clear()
  return { ctx, body: pipeline.retarget(ctx, triedEndpoints, body)?.body ?? body }
}

/** The refusal the endpoint policy throws when every endpoint it could pick is cooling down. */
const isCoolingRefusal = (err: unknown): boolean =>
  err instanceof RouterError &&
  (err.code === 'upstream_overloaded' || err.code === 'upstream_rate_limited')

/** Another try is allowed: tries left, the client still there, and the retry budget agrees. */
function mayRetry(
  attempt: number,
  retries: RouterConfig['resilience']['retries'],
  client: ClientWatch,
  deps: RelayDeps,
): boolean {
  return attempt < retries.max_tries && !client.gone && deps.budget.take(retries)
}

/** The upstream call for one try (headers, path, deadlines). */
function forwardRequest(
  ctx: RequestContext,
  body: Buffer,
  tracker: ForwardRequest['tracker'],
  retryStatus: (status: number) => boolean,
  ex: RelayExchange,
  deps: RelayDeps,
): ForwardRequest {
  const { req, res, request, client } = ex
  const endpoint = ctx.endpoint!
  const upstream = ex.runtime.config.upstream
  const own = ex.runtime.config.model_config[ctx.selectedModel]?.timeouts
  const apiKey = endpoint.apiKeyEnv === undefined ? undefined : process.env[endpoint.apiKeyEnv]
  const pools = deps.pools()
  const pool = pools.get(endpoint)
  const saturated = pools.saturated(pool, upstream.connections_per_endpoint)
  return {
    dispatcher: pool,
    tries: pools,
    path:
      request.path === CHAT_PATH ? request.target : CHAT_PATH + splitTarget(request.target).query,
    headers: upstreamRequestHeaders({
      client: request.headers,
      connection: req.headers['connection'],
      requestId: request.requestId,
      bodyLength: body.length,
      fromPipeline: ctx.upstreamHeaders,
      removedByPipeline: ctx.upstreamHeaderRemovals,
      apiKey: apiKey === '' ? undefined : apiKey,
      hostPort: endpoint.hostPort,
    }),
    body,
    res,
    tracker,
    extraHeaders: { 'x-request-id': request.requestId },
    client,
    retryStatus,
    ...(own?.headers_timeout_ms === undefined ? {} : { headersTimeoutMs: own.headers_timeout_ms }),
    ...(own?.body_timeout_ms === undefined ? {} : { bodyTimeoutMs: own.body_timeout_ms }),
    totalTimeoutMs: own?.total_timeout_ms ?? upstream.total_timeout_ms,
    ...(saturated ? { queueTimeoutMs: upstream.queue_timeout_ms } : {}),
  }
}
