/**
 * `semantic_cache` pipeline module (upstream step 8). Runs after model selection and the guards, so
 * the key is the model that will answer (not upstream's `MoM`) and blocked requests are never cached.
 *
 * Request phase: embed the last user message, look up, verify; a hit answers immediately (JSON or
 * SSE to match the request). On a miss the request becomes the leader for identical concurrent
 * requests, which wait for its answer. Response phase: store successful answers (streamed ones are
 * stored as assembled) and hand them to the waiters.
 */
import { z } from 'zod'
import type { RouterConfig } from '../../config/schema/index.js'
import type { CachePlugin, DecisionModel } from '../../decisions/types.js'
import { logEvent } from '../../log.js'
import {
  PLUGIN_API_VERSION,
  type ImmediateResponse,
  type ModuleFactory,
  type PipelineModule,
  type RequestContext,
  type ResponseRecord,
} from '../types.js'
import { coalesceKey, type Coalescer } from '../../cache/coalescer.js'
import { cacheableCompletion, replayResponse } from './cache-replay.js'
import type { CacheHandle } from '../../cache/open.js'
import { cacheEligibility } from '../../cache/request-key.js'
import { cachePartition } from './cache-partition.js'
import { inputWindow } from '../input-window.js'
import { QueryVerifier } from '../../cache/verify/verifier.js'

export const SEMANTIC_CACHE = 'semantic_cache'

interface Pending {
  readonly model: string
  readonly context: string
  readonly query: string
  readonly embedding: Float32Array
  readonly ttlSeconds: number
  readonly settle?: (answer: string | undefined) => void
}

export const semanticCacheModule: ModuleFactory = {
  kind: SEMANTIC_CACHE,
  apiVersion: PLUGIN_API_VERSION,
  optionsSchema: z.strictObject({}),
  reads: ['category', 'decision', 'selectedModel', 'upstreamModel'],
  writes: [],
  description: 'Answer repeated and paraphrased questions from the semantic cache',
  enabledByDefault: true,
  async create({ config, services, tables }) {
    if (!config.semantic_cache.enabled) return null
    const handle = await services.semanticCache()
    return handle === null ? null : new SemanticCacheModule(config, handle, tables.decisions)
  },
}

export class SemanticCacheModule implements PipelineModule {
  readonly name = SEMANTIC_CACHE
  readonly apiVersion = PLUGIN_API_VERSION
  private readonly verifier: QueryVerifier
  private readonly coalescer: Coalescer

  constructor(
    private readonly config: RouterConfig,
    private readonly handle: CacheHandle,
    private readonly decisions: DecisionModel,
  ) {
    this.verifier = new QueryVerifier(
      config.semantic_cache.verification,
      handle.verifierModel,
      config.security.input_window.max_chars,
    )
    // Owned by the store, so coalescing spans reloads that keep the store.
    this.coalescer = handle.coalescer
  }

  async onRequest(ctx: RequestContext): Promise<ImmediateResponse | undefined> {
    const sc = this.config.semantic_cache
    // Caching is per decision (its response_cache plugin; a classic category's cache settings);
    // without a decision, the model's no-match policy (classic: on; v0.3: off).
    const decision = ctx.decision?.decision
    const policy: CachePlugin | undefined = decision
      ? decision.plugins.cache
      : this.decisions.noMatch.cache
    if (policy?.enabled !== true) return
    const eligible = cacheEligibility(ctx.request, sc.multi_turn)
    if (!eligible.ok) {
      ctx.log.debug({ event: 'cache_skipped', reason: eligible.reason }, 'cache_skipped')
      return
    }
    if (sc.max_query_chars > 0 && eligible.query.length > sc.max_query_chars) {
      ctx.log.debug({ event: 'cache_skipped', reason: 'query_too_long' }, 'cache_skipped')
      return
    }
    const started = performance.now()
    const model = ctx.upstreamModel || ctx.selectedModel || ctx.request.model
    const threshold =
      policy.similarityThreshold ?? sc.similarity_threshold ?? this.config.bert_model.threshold
    const cache = this.handle.cache
    let embedding: Float32Array
    try {
      ;[embedding] = (await this.handle.embedder.embed(
        [inputWindow(eligible.query, this.config.security.input_window.max_chars)],
        ctx.meta.signal,
      )) as [Float32Array]
    } catch (err) {
      ctx.services.metrics.cacheBypasses.inc({ backend: cache.name, reason: 'embedding_error' })
      logEvent(ctx.log, 'cache_bypass', { reason: 'embedding_error', error: String(err) }, 'warn')
      return
    }
    // Exact-match context: what shapes the answer, and whose answer it is (cache_partition).
    const partition = cachePartition(
      ctx.meta,
      ctx.request.body,
      this.config.security.cache_partition,
    )
    const key = {
      model,
      context: partition === '' ? eligible.context : `${partition}.${eligible.context}`,
    }
    const outcome = await cache.lookup(
      { ...key, query: eligible.query, embedding, threshold },
      this.verifier,
    )
    ctx.timings['semantic_cache'] = performance.now() - started
    const fields = {
      request_id: ctx.meta.requestId,
      model,
      category: ctx.category,
      threshold,
      backend: cache.name,
    }
    if (outcome.kind === 'hit') {
      void cache.touch(outcome.entry.id)
      logEvent(ctx.log, 'cache_hit', { ...fields, similarity: round(outcome.similarity) })
      ctx.log.debug({ event: 'cache_hit_query', query: eligible.query }, 'cache_hit_query')
      return this.replay(ctx, outcome.entry.response, outcome.similarity, false)
    }
    if (outcome.kind === 'bypass') {
      logEvent(ctx.log, 'cache_bypass', { ...fields, reason: outcome.reason }, 'debug')
      return
    }
    logEvent(ctx.log, 'cache_miss', {
      ...fields,
      best_similarity: outcome.bestSimilarity === undefined ? null : round(outcome.bestSimilarity),
      rejected: outcome.rejected,
    })
    const pending = {
      ...key,
      query: eligible.query,
      embedding,
      ttlSeconds: policy.ttlSeconds ?? sc.ttl_seconds,
    }
    if (sc.coalesce_wait_ms === 0) {
      ctx.moduleState.set(SEMANTIC_CACHE, pending)
      return
    }
    const join = this.coalescer.join(
      coalesceKey(model, key.context, eligible.query),
      sc.coalesce_wait_ms,
    )
    if (join.role === 'leader') {
      ctx.moduleState.set(SEMANTIC_CACHE, { ...pending, settle: join.settle })
      return
    }
    const answer = await join.answer
    const metrics = ctx.services.metrics
    if (answer === undefined) {
      metrics.cacheCoalesced.inc({ result: 'no_answer' })
      ctx.moduleState.set(SEMANTIC_CACHE, pending)
      return
    }
    metrics.cacheCoalesced.inc({ result: 'hit' })
    cache.countOutcome(true)
    logEvent(ctx.log, 'cache_hit', { ...fields, similarity: 1, coalesced: true })
    return this.replay(ctx, answer, 1, true)
  }

  async onResponse(ctx: RequestContext, response: ResponseRecord): Promise<void> {
    const pending = ctx.moduleState.get(SEMANTIC_CACHE) as Pending | undefined
    if (pending === undefined) return
    const document = cacheableCompletion(response, this.config.semantic_cache.max_response_bytes)
    pending.settle?.(document)
    if (document === undefined) {
      logEvent(
        ctx.log,
        'cache_not_stored',
        { request_id: ctx.meta.requestId, status: response.status, streaming: response.streaming },
        'debug',
      )
      return
    }
    const stored = await this.handle.cache.store({
      model: pending.model,
      context: pending.context,
      query: pending.query,
      embedding: pending.embedding,
      response: document,
      ttlSeconds: pending.ttlSeconds,
    })
    if (stored)
      logEvent(ctx.log, 'cache_entry_added', {
        request_id: ctx.meta.requestId,
        model: pending.model,
        backend: this.handle.cache.name,
        streaming: response.streaming,
      })
  }

  private replay(
    ctx: RequestContext,
    stored: string,
    similarity: number,
    coalesced: boolean,
  ): ImmediateResponse {
    return replayResponse(stored, {
      stream: ctx.request.stream,
      includeUsage: ctx.request.body.stream_options?.include_usage === true,
      similarity,
      coalesced,
    })
  }
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000
}
