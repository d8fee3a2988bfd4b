/**
 * The request pipeline: one path for both transports. Parse the body, run the modules in order
 * (any may answer immediately), then finalise: model name, upstream and response headers,
 * and the body bytes (re-serialised only when something changed).
 */
import type { ClassifierChain } from '../classify/chain.js'
import type { CategoryClassification } from '../classify/types.js'
import type { RouterConfig } from '../config/schema/index.js'
import type { RouterError } from '../errors.js'
import { isRouterError } from '../errors.js'
import { logEvent, type Logger } from '../log.js'
import { label } from '../metrics/router-metrics.js'
import { parseChatRequest } from '../openai/parse.js'
import type { ParsedChatRequest } from '../openai/types.js'
import { observeSelection } from '../routing/selection/live.js'
import type { EndpointTarget, Selection } from '../routing/selection/types.js'
import type { RoutingTables } from '../routing/tables.js'
import type { RuntimeServices } from '../runtime/services.js'
import { CallerAccess } from './caller-access.js'
import { decisionEvent, rejectedEvent, type FinishedRecord } from './decision-event.js'
import { inputWindow } from './input-window.js'
import { decisionHeaders } from './decision-headers.js'
import { modelsListBody } from './immediate.js'
import { pickEndpoint } from './modules/selection.js'
import { logDecision, ResponseTracker, type TrackerDeps } from './response-tracker.js'
import { isThenable } from './thenable.js'
import type {
  ImmediateResponse,
  PipelineModule,
  RequestContext,
  RequestMeta,
  RequestOutcome,
  Transport,
} from './types.js'

/** Response header naming the endpoint (its `vllm_endpoints[].name`) that answered. */
export const ENDPOINT_HEADER = 'x-vsr-selected-endpoint'

export interface PipelineOptions {
  readonly config: RouterConfig
  readonly services: RuntimeServices
  readonly tables: RoutingTables
  readonly classifiers: ClassifierChain
  readonly selection: Selection
  readonly modules: readonly PipelineModule[]
}

/** Error codes → upstream's `llm_request_errors_total` reason names. */
const ERROR_REASONS: Partial<Record<RouterError['code'], string>> = {
  invalid_json: 'parse_error',
  invalid_request: 'parse_error',
  missing_messages: 'parse_error',
  classifier_failed: 'classification_failed',
}

export class Pipeline {
  readonly config: RouterConfig
  readonly services: RuntimeServices
  readonly tables: RoutingTables
  readonly classifiers: ClassifierChain
  readonly selection: Selection
  readonly modules: readonly PipelineModule[]
  private readonly log: Logger
  /** Identity headers, allowed models, rate limits: what the caller may do (caller-access.ts). */
  private readonly access: CallerAccess
  private readonly trackerDeps: TrackerDeps

  constructor(options: PipelineOptions) {
    this.config = options.config
    this.services = options.services
    this.tables = options.tables
    this.classifiers = options.classifiers
    this.selection = options.selection
    this.modules = options.modules
    this.log = options.services.log
    options.services.metrics.knowModels(knownModels(options.config, options.tables))
    this.access = new CallerAccess(options.config, options.services)
    const limiter = this.access.limiter
    // The same for every response of this pipeline: built once, not per request.
    this.trackerDeps = {
      // The limiter hears the answer's usage after the modules (tokens and spend per caller).
      modules: limiter ? [...this.modules, limiter] : this.modules,
      maxResponseBytes: this.config.upstream.max_response_bytes,
      ...(this.selection.endpoints.observe || this.selection.live
        ? { endpointPolicy: { observe: (e) => observeSelection(this.selection, e) } }
        : {}),
      finished: (c, record) => this.publish(c, record),
    }
  }

  /** Decide what to do with one chat-completions request. Throws RouterError for bad input. */
  async handleRequest(raw: Buffer, meta: RequestMeta): Promise<RequestOutcome> {
    const metrics = this.services.metrics
    let request: ParsedChatRequest
    try {
      request = parseChatRequest(raw)
    } catch (err) {
      metrics.modelRequests.inc({ model: 'unknown' })
      this.fail(err, meta, undefined)
    }
    metrics.modelRequests.inc({ model: metrics.modelLabel(request.model) })
    const ctx = this.createContext(request, meta)
    this.access.stripIdentityHeaders(ctx)
    // A key limited to some models may not name another (an auto-routed request is checked on
    // the model the router chose, below).
    if (!ctx.autoRouted) this.authorizeModel(ctx, request.model, 0)
    if (this.access.limiter) {
      // Synchronous unless the count needs the state store's answer (no promise per request).
      try {
        const counting = this.access.admit(ctx)
        if (counting) await counting
      } catch (err) {
        this.fail(err, meta, request.model)
      }
    }
    let ran = 0
    try {
      for (const module of this.modules) module.prepare?.(ctx)
      for (const module of this.modules) {
        ran++
        if (!module.onRequest) continue
        const started = performance.now()
        // Half the built-in modules answer synchronously: only a promise is awaited (an await per
        // module costs a microtask turn and its allocations on every request).
        const returned = module.onRequest(ctx)
        const answer = isThenable(returned) ? await returned : returned
        ctx.timings[module.name] = performance.now() - started
        if (answer) {
          this.abandon(ctx, ran - 1, answer.status, `answered_by_${module.name}`)
          if (answer.kind === 'cache_hit' && ctx.autoRouted)
            this.authorizeModel(ctx, ctx.selectedModel, 0)
          return this.respond(ctx, answer)
        }
      }
    } catch (err) {
      this.abandon(ctx, ran, isRouterError(err) ? err.status : 500, 'request_failed')
      this.fail(err, meta, request.model)
    }
    if (ctx.autoRouted) this.authorizeModel(ctx, ctx.selectedModel, this.modules.length)
    return this.finalise(ctx)
  }

  /** Refuse (403) a model the caller's key may not use; modules that ran release what they hold. */
  private authorizeModel(ctx: RequestContext, model: string, ran: number): void {
    const refusal = this.access.modelRefusal(ctx, model)
    if (refusal === undefined) return
    this.abandon(ctx, ran, 403, 'model_not_allowed')
    this.fail(refusal, ctx.meta, ctx.request.model)
  }

  /**
   * The request will never reach upstream: give the modules that already ran their response hook
   * with an error record, so they release what they hold (e.g. the cache's waiting duplicates).
   */
  private abandon(ctx: RequestContext, count: number, status: number, reason: string): void {
    const record = {
      status,
      streaming: false,
      latencySeconds: (performance.now() - ctx.meta.startedAt) / 1000,
      error: reason,
    }
    for (const module of this.modules.slice(0, count)) {
      if (!module.onResponse) continue
      const hookFailed = (err: unknown): void =>
        logEvent(
          ctx.log,
          'module_response_hook_failed',
          { request_id: ctx.meta.requestId, module: module.name, error: (err as Error).message },
          'warn',
        )
      try {
        module.onResponse(ctx, record)?.catch(hookFailed)
      } catch (err) {
        hookFailed(err)
      }
    }
  }

  /**
   * A forwarded outcome that will never be sent (the `classify` CLI shows a decision and stops):
   * every module releases what it holds for the request — the cache's coalescing slot, which would
   * otherwise keep identical requests (and a short-lived process) waiting for an answer.
   */
  discard(ctx: RequestContext, reason: string): void {
    this.abandon(ctx, this.modules.length, 0, reason)
  }

  /** Identity headers a request that is not routed (ext_proc passthrough) must not carry on. */
  passthroughHeaderRemovals(
    meta: Pick<RequestMeta, 'transport' | 'headers' | 'caller'>,
  ): readonly string[] {
    return this.access.identityHeadersToRemove(meta)
  }

  /** The runtime closes: counts the rate limiter has not yet sent go to the state store. */
  close(): Promise<void> {
    return this.access.close()
  }

  /**
   * Retry on another endpoint of the request's model (gateway): the endpoint policy picks among
   * those not in `exclude` (tried already). Returns the body to send (re-serialised only when the
   * new endpoint knows the model by another id), or undefined when no endpoint is left.
   */
  retarget(
    ctx: RequestContext,
    exclude: ReadonlySet<string>,
    body: Buffer,
  ): { endpoint: EndpointTarget; body: Buffer } | undefined {
    pickEndpoint(ctx, this.tables, this.selection, exclude)
    const endpoint = ctx.endpoint
    if (endpoint === undefined) return undefined
    const model = this.bodyModel(ctx)
    if (ctx.request.body.model !== model) {
      ctx.request.body.model = model
      ctx.bodyChanged = true
      body = Buffer.from(JSON.stringify(ctx.request.body))
    }
    ctx.responseHeaders.set(ENDPOINT_HEADER, endpoint.name)
    observeSelection(this.selection, {
      kind: 'started',
      endpoint: endpoint.name,
      model: ctx.selectedModel,
      requestId: ctx.meta.requestId,
    })
    return { endpoint, body }
  }

  /**
   * A try whose answer the client will not get (the transport retries elsewhere): the endpoint
   * policy hears how it ended, as for any finished request.
   */
  reportTry(
    ctx: RequestContext,
    result: { status: number; latencySeconds: number; error?: string; retryAfterMs?: number },
  ): void {
    if (!ctx.endpoint) return
    observeSelection(this.selection, {
      kind: 'finished',
      endpoint: ctx.endpoint.name,
      model: ctx.selectedModel,
      requestId: ctx.meta.requestId,
      ...result,
    })
  }

  /**
   * Classify a text with the configured chain (classification API, `classify` CLI). `category` is
   * what routing uses ("" below `category_model.threshold`); `topCategory` is the classifier's top
   * choice whether or not it was accepted, and `accepted` says which.
   */
  async classifyText(text: string): Promise<{
    category: string
    confidence: number
    topCategory: string
    accepted: boolean
    classification: CategoryClassification | null
  }> {
    const result = await this.classifiers.classify({ text, history: [] })
    if (!result)
      return { category: '', confidence: 0, topCategory: '', accepted: false, classification: null }
    const threshold = this.config.classifier.category_model.threshold
    const accepted = result.source !== 'model' || result.confidence >= threshold
    const topCategory = this.tables.categories.translate(result.category)
    return {
      category: accepted ? topCategory : '',
      confidence: result.confidence,
      topCategory,
      accepted,
      classification: result,
    }
  }

  /** The `/v1/models` body. The gateway always lists configured models; ext_proc follows config. */
  listModels(transport: Transport): Record<string, unknown> {
    const include = transport === 'gateway' || this.config.include_config_models_in_list
    // Entrypoints are virtual models with their own routing: always listed, like the auto model.
    const models = new Set<string>(this.tables.decisions.entrypoints.keys())
    if (include) {
      for (const name of Object.keys(this.config.model_config)) models.add(name)
      for (const params of Object.values(this.config.model_config))
        for (const lora of params.loras) models.add(lora.name)
      if (this.config.default_model !== '') models.add(this.config.default_model)
    }
    return modelsListBody({
      autoModelName: this.config.auto_model_name,
      configModels: [...models],
      ownedBy: transport === 'gateway' ? 'upstream-endpoint' : 'vllm-semantic-router',
    })
  }

  startResponse(ctx: RequestContext): ResponseTracker {
    return new ResponseTracker(ctx, this.trackerDeps)
  }

  /** The request's DecisionEvent, built only when a live consumer listens. */
  private publish(ctx: RequestContext, record: FinishedRecord, response?: ImmediateResponse): void {
    const events = this.services.state.events
    if (events.active) events.offer(() => decisionEvent(ctx, record, this.tables, response))
  }

  private createContext(request: ParsedChatRequest, meta: RequestMeta): RequestContext {
    return {
      meta,
      request,
      config: this.config,
      services: this.services,
      log: this.log,
      autoRouted: this.tables.autoNames.has(request.model),
      classificationText: inputWindow(
        request.userText !== '' ? request.userText : request.nonUserTexts.join(' '),
        this.config.security.input_window.max_chars,
      ),
      category: '',
      confidence: 0,
      classification: undefined,
      selectedModel: request.model,
      upstreamModel: request.model,
      reasonCode: '',
      reasoning: undefined,
      systemPromptInjected: false,
      bodyChanged: false,
      upstreamHeaders: new Map(),
      upstreamHeaderRemovals: new Set(),
      responseHeaders: new Map(),
      moduleState: new Map(),
      timings: {},
      decisionLog: {},
      streamUsageAdded: false,
      endpoint: undefined,
      decision: undefined,
      algorithm: '',
    }
  }

  private finalise(ctx: RequestContext): RequestOutcome {
    const metrics = this.services.metrics
    const body = ctx.request.body
    // The routing module picks the endpoint with the model; without it, pick for the model asked.
    if (ctx.endpoint === undefined) pickEndpoint(ctx, this.tables, this.selection)
    const bodyModel = this.bodyModel(ctx)
    if (body.model !== bodyModel) {
      body.model = bodyModel
      ctx.bodyChanged = true
    }
    this.askForStreamUsage(ctx)
    if (ctx.autoRouted && ctx.upstreamModel !== ctx.request.model)
      metrics.routingModifications.inc({
        source_model: metrics.modelLabel(ctx.request.model),
        target_model: metrics.modelLabel(ctx.upstreamModel),
      })
    metrics.routingReasonCodes.inc({
      reason_code: label(ctx.reasonCode),
      model: metrics.modelLabel(ctx.upstreamModel),
    })
    if (ctx.endpoint) ctx.responseHeaders.set(ENDPOINT_HEADER, ctx.endpoint.name)
    if (ctx.endpoint)
      observeSelection(this.selection, {
        kind: 'started',
        endpoint: ctx.endpoint.name,
        model: ctx.selectedModel,
        requestId: ctx.meta.requestId,
      })
    const events = this.services.state.events
    if (events.active)
      events.publish({
        type: 'started',
        id: ctx.meta.requestId,
        at: Date.now(),
        model: ctx.upstreamModel,
        ...(ctx.endpoint ? { endpoint: ctx.endpoint.name } : {}),
      })
    ctx.upstreamHeaders.set('x-selected-model', ctx.upstreamModel)
    // Lets Envoy route or split by category (A/B tests) without aliasing model names.
    if (ctx.category !== '') ctx.upstreamHeaders.set('x-vsr-selected-category', ctx.category)
    this.setResponseHeaders(ctx)
    this.countDecision(ctx)
    const bytes = ctx.bodyChanged ? Buffer.from(JSON.stringify(body)) : ctx.request.raw
    const total = performance.now() - ctx.meta.startedAt
    ctx.timings['routing_total'] = total
    metrics.routingLatency.observe(total / 1000)
    return { action: 'forward', ctx, body: bytes, bodyChanged: ctx.bodyChanged }
  }

  /**
   * The `model` the upstream server gets: the routed model (or LoRA adapter), renamed to the id
   * that endpoint knows it by when a v0.3 provider says so (external_model_ids /
   * provider_model_id); an explicit model otherwise stays as the client wrote it.
   */
  private bodyModel(ctx: RequestContext): string {
    const routed = ctx.autoRouted ? ctx.upstreamModel : ctx.request.body.model
    const endpoint = ctx.endpoint?.name
    const renamed = endpoint === undefined ? undefined : this.config.v03?.endpointModelIds[endpoint]
    return renamed !== undefined && routed === ctx.selectedModel ? renamed : routed
  }

  private countDecision(ctx: RequestContext): void {
    const result = ctx.decision
    if (!result) return
    this.services.metrics.decisions.selections.inc({
      recipe: result.recipe.name,
      decision: result.decision?.name ?? 'none',
      algorithm: label(ctx.algorithm, 'none'),
    })
  }

  /**
   * A stream is counted only if the endpoint reports its usage, which OpenAI-compatible servers
   * do only when asked: the router asks on every stream it relays, and the response tracker takes
   * the extra chunk out again when the client had not asked (sse-usage-stripper.ts).
   */
  private askForStreamUsage(ctx: RequestContext): void {
    const body = ctx.request.body
    if (!this.config.upstream.stream_usage || body.stream !== true) return
    if (body.stream_options?.include_usage === true) return
    body.stream_options = { ...body.stream_options, include_usage: true }
    ctx.bodyChanged = true
    ctx.streamUsageAdded = true
  }

  private setResponseHeaders(ctx: RequestContext): void {
    const h = ctx.responseHeaders
    decisionHeaders(ctx, h)
    h.set('x-vsr-selected-model', ctx.upstreamModel)
    if (ctx.category !== '') h.set('x-vsr-selected-category', ctx.category)
    h.set('x-vsr-selected-reasoning', ctx.reasoning?.enabled ? 'on' : 'off')
    h.set('x-vsr-injected-system-prompt', String(ctx.systemPromptInjected))
    const effort = ctx.reasoning?.effort
    if (effort !== undefined) h.set('x-vsr-selected-reasoning-effort', effort)
  }

  private respond(ctx: RequestContext, answer: ImmediateResponse): RequestOutcome {
    let response = answer
    // A cached answer reports the routing a miss would have (model, category, decision).
    if (answer.kind === 'cache_hit') {
      this.setResponseHeaders(ctx)
      response = {
        ...answer,
        headers: { ...Object.fromEntries(ctx.responseHeaders), ...answer.headers },
      }
    }
    this.countDecision(ctx)
    const total = performance.now() - ctx.meta.startedAt
    ctx.timings['routing_total'] = total
    const record = {
      status: response.status,
      latencySeconds: total / 1000,
      usage: undefined,
      error: undefined,
    }
    logDecision(ctx, record, response.kind)
    this.publish(ctx, record, response)
    return { action: 'respond', ctx, response }
  }

  private fail(err: unknown, meta: RequestMeta, model: string | undefined): never {
    if (isRouterError(err)) {
      this.services.metrics.recordError(model, ERROR_REASONS[err.code] ?? err.code)
      logEvent(
        this.log,
        'request_rejected',
        {
          request_id: meta.requestId,
          transport: meta.transport,
          code: err.code,
          error: err.message,
        },
        err.status >= 500 ? 'error' : 'warn',
      )
    }
    const events = this.services.state.events
    // A failover's re-decision that finds no other model is not a refusal: the gateway keeps the
    // request on the model it has, and its one decision event comes when that try ends.
    if (events.active && meta.avoidModels === undefined)
      events.offer(() => rejectedEvent(meta, err, model))
    throw err
  }
}

/** Every model name a `model` label may take under this config. */
function knownModels(config: RouterConfig, tables: RoutingTables): string[] {
  const names = [...tables.autoNames, ...Object.keys(config.model_config)]
  for (const params of Object.values(config.model_config))
    for (const lora of params.loras) names.push(lora.name)
  if (config.default_model !== '') names.push(config.default_model)
  return names
}
