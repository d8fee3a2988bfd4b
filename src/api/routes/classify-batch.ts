/**
 * POST /api/v1/classify/batch — classify many texts in one call.
 *
 * Request (upstream's shape): `{"texts": [...], "task_type"?: "intent" | "pii" | "security" | "all",
 * "options"?: {...}}` (options as for the single-text endpoints). At most
 * `api.batch_classification.max_batch_size` texts (default 100). Response: `{"results": [...],
 * "total_count", "processing_time_ms", "statistics": {"category_distribution", "avg_confidence",
 * "low_confidence_count"}}`. Each result has upstream's `category` / `confidence` /
 * `processing_time_ms`: for intent the category (plus our `top_category` and
 * `accepted_for_routing`, as in /classify/intent); for pii `no_pii` or the first entity type (with
 * `entities`); for security `safe` or the attack family (with `is_jailbreak`, `risk_score`). With
 * `all`, each result is the intent result plus `pii` and `security` objects. Texts are processed
 * concurrently (the detectors are in-process; ONNX models micro-batch in the ML runtime).
 * `low_confidence_count` counts confidences below 0.7, as upstream.
 *
 * Upstream's batch_classification_* metrics are recorded per `api.batch_classification.metrics`
 * (../batch-metrics.ts).
 */
import type { z } from 'zod'
import { toRouterError } from '../../errors.js'
import type { Runtime } from '../../pipeline/runtime.js'
import {
  BatchObservation,
  batchMetricsSettings,
  batchRequestError as invalid,
} from '../batch-metrics.js'
import { requireRuntime } from '../errors.js'
import {
  detectPii,
  detectSecurity,
  elapsedMs,
  guardOptions,
  type GuardOptions,
} from '../guard-results.js'
import { categoryProbabilities } from '../intent-result.js'
import type { Issue } from '../schema.js'
import { BATCH_REQUEST, BATCH_RESULT, type BATCH_TASKS } from '../schemas/batch.js'
import type { ApiContext, ApiRoute } from '../types.js'

type Task = (typeof BATCH_TASKS)[number]
const DEFAULT_MAX_BATCH = 100
const LOW_CONFIDENCE = 0.7

interface Result {
  category: string
  confidence: number
  processing_time_ms: number
  [key: string]: unknown
}

interface BatchRequest {
  readonly texts: readonly string[]
  readonly task: Task
  readonly runtime: Runtime
  readonly options: GuardOptions
}

/** Upstream's `error_type` for a body the request schema refused (read by batchErrorType). */
function invalidBodyType(issue: Issue): string {
  const [field, index] = issue.path
  if (field === 'texts' && index === undefined) {
    if (issue.code === 'invalid_type' && (issue.input === undefined || issue.input === null))
      return 'missing_texts_field'
    if (issue.code === 'too_small') return 'empty_texts'
  }
  if (field === 'task_type') return 'invalid_task_type'
  return 'parse_request_failed'
}

/** The parsed body plus what depends on the config (the batch limit, option defaults). */
function prepare(body: z.output<typeof BATCH_REQUEST>, ctx: ApiContext): BatchRequest {
  const runtime = requireRuntime(ctx)
  const max = runtime.config.api?.batch_classification?.max_batch_size ?? DEFAULT_MAX_BATCH
  if (body.texts.length > max)
    throw invalid(
      'too_many_texts',
      `texts has ${body.texts.length} entries; the limit is ${max}`,
      'texts',
    )
  return {
    texts: body.texts,
    task: body.task_type ?? 'intent',
    runtime,
    options: guardOptions(body.options, runtime),
  }
}

async function intentResult(runtime: Runtime, text: string, withProbabilities: boolean) {
  const started = performance.now()
  const r = await runtime.pipeline.classifyText(text)
  const result: Result = {
    category: r.category === '' ? 'unknown' : r.category,
    confidence: r.confidence,
    top_category: r.topCategory,
    accepted_for_routing: r.accepted,
    processing_time_ms: elapsedMs(started),
  }
  if (withProbabilities && r.classification?.distribution)
    result['probabilities'] = categoryProbabilities(runtime, r)
  return result
}

async function piiResult(batch: BatchRequest, text: string, signal: AbortSignal) {
  const { result, entities } = await detectPii(batch.runtime, text, batch.options.pii, signal)
  const top = [...entities].sort((a, b) => b.confidence - a.confidence)[0]
  return {
    category: entities[0]?.type ?? 'no_pii',
    confidence: top ? top.confidence : 1,
    processing_time_ms: result.processing_time_ms,
    has_pii: result.has_pii,
    entities: result.entities,
  } satisfies Result
}

async function securityResult(batch: BatchRequest, text: string, signal: AbortSignal) {
  const s = await detectSecurity(batch.runtime, text, batch.options.security, signal)
  const families = s['detection_types'] as string[]
  return {
    category: s['is_jailbreak'] === true ? (families[0] ?? 'jailbreak') : 'safe',
    confidence: s['confidence'] as number,
    processing_time_ms: s['processing_time_ms'] as number,
    is_jailbreak: s['is_jailbreak'],
    risk_score: s['risk_score'],
  } satisfies Result
}

async function classifyOne(batch: BatchRequest, text: string, signal: AbortSignal) {
  const withProbabilities = batch.options.withProbabilities
  switch (batch.task) {
    case 'intent':
      return intentResult(batch.runtime, text, withProbabilities)
    case 'pii':
      return piiResult(batch, text, signal)
    case 'security':
      return securityResult(batch, text, signal)
    case 'all': {
      const [intent, pii, security] = await Promise.all([
        intentResult(batch.runtime, text, withProbabilities),
        piiResult(batch, text, signal),
        securityResult(batch, text, signal),
      ])
      return { ...intent, pii, security }
    }
  }
}

function statistics(results: readonly Result[]) {
  const distribution: Record<string, number> = {}
  let sum = 0
  let low = 0
  for (const r of results) {
    distribution[r.category] = (distribution[r.category] ?? 0) + 1
    sum += r.confidence
    if (r.confidence < LOW_CONFIDENCE) low++
  }
  return {
    category_distribution: distribution,
    avg_confidence: sum / results.length,
    low_confidence_count: low,
  }
}

export const classifyBatchRoute: ApiRoute<z.output<typeof BATCH_REQUEST>> = {
  method: 'POST',
  path: '/api/v1/classify/batch',
  summary: 'Classify many texts (intent, pii, security or all) with statistics',
  schema: { request: BATCH_REQUEST, response: BATCH_RESULT },
  invalidBody: (issue) => ({ error_type: invalidBodyType(issue) }),
  handle: async (req, ctx) => {
    const settings = batchMetricsSettings(ctx.config())
    const slots = ctx.runtime()?.services.state.batchSlots
    const observed = new BatchObservation(ctx.metrics, settings, req.signal, slots)
    try {
      const batch = prepare(req.body, ctx)
      const started = performance.now()
      observed.begin(batch.texts.length)
      const results = await Promise.all(
        batch.texts.map((text) => observed.task(() => classifyOne(batch, text, req.signal))),
      )
      observed.succeeded(batch.texts.length)
      return {
        body: {
          results,
          total_count: results.length,
          task_type: batch.task,
          processing_time_ms: elapsedMs(started),
          statistics: statistics(results),
        },
      }
    } catch (err) {
      observed.failed(toRouterError(err))
      throw err
    }
  },
  rejected: (err, ctx) => {
    new BatchObservation(ctx.metrics, batchMetricsSettings(ctx.config())).failed(err, true)
  },
}
