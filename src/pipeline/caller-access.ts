/**
 * What a caller may do, for both transports: which of its identity headers the endpoint may get
 * (identity-headers.ts), which models its API key may use, and its rate limits and budgets
 * (rate-limits.ts). The pipeline asks here and decides what a refusal costs the modules that
 * already ran; one instance per pipeline (a reload builds a new one; counters live in the state
 * store, so they outlive it).
 */
import type { RouterConfig } from '../config/schema/index.js'
import { RouterError } from '../errors.js'
import { logEvent } from '../log.js'
import { label } from '../metrics/router-metrics.js'
import type { RuntimeServices } from '../runtime/services.js'
import { modelAllowed } from './caller.js'
import {
  identityHeaderPolicy,
  identityHeadersToRemove,
  type IdentityHeaderPolicy,
} from './identity-headers.js'
import { RateLimiter } from './rate-limits.js'
import type { RequestContext, RequestMeta } from './types.js'

export class CallerAccess {
  /**
   * Per-caller limits (`security.rate_limits.enabled`); undefined when off. The response tracker
   * runs it after the modules, so it hears each answer's usage (tokens and spend per caller).
   */
  readonly limiter: RateLimiter | undefined
  private readonly identityHeaders: IdentityHeaderPolicy

  constructor(config: RouterConfig, services: RuntimeServices) {
    this.identityHeaders = identityHeaderPolicy(config)
    const limits = config.security.rate_limits
    this.limiter = limits.enabled
      ? new RateLimiter(
          limits,
          services.state.stateStore(config.state_store, (err) =>
            logEvent(services.log, 'state_store_error', { error: err.message }, 'error'),
          ),
          services.log,
        )
      : undefined
  }

  /** Mark the caller identity headers the endpoint must not get for removal. */
  stripIdentityHeaders(ctx: RequestContext): void {
    for (const name of identityHeadersToRemove(this.identityHeaders, ctx.meta))
      ctx.upstreamHeaderRemovals.add(name)
  }

  /**
   * The identity headers a request the router does not route (ext_proc passthrough: Envoy
   * forwards it) must lose: the same rule as a chat request's.
   */
  identityHeadersToRemove(
    meta: Pick<RequestMeta, 'transport' | 'headers' | 'caller'>,
  ): readonly string[] {
    return identityHeadersToRemove(this.identityHeaders, meta)
  }

  /** The 403 for a model the caller's key may not use; undefined when it may. */
  modelRefusal(ctx: RequestContext, model: string): RouterError | undefined {
    const caller = ctx.meta.caller
    if (caller === undefined || modelAllowed(caller, model)) return undefined
    return new RouterError('model_not_allowed', `This API key may not use model ${label(model)}`, {
      param: 'model',
    })
  }

  /**
   * Count the request against the caller's limits; throws RouterError 429/503 when refused (or
   * returns a promise that rejects with it, when the count needs the state store's answer).
   */
  admit(ctx: RequestContext): void | Promise<void> {
    return this.limiter?.admit(ctx)
  }

  /** Sends what the limiter has not yet sent to the state store. */
  close(): Promise<void> {
    return this.limiter?.close() ?? Promise.resolve()
  }
}
