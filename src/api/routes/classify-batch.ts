/**
 * POST /api/v1/classify/batch — classify many texts in one call.
 *
 * Request (upstream's shape): `{"texts": [...], "task_type"?: "intent" | "pii" | "security" | "all",
 * "options"?: {...}}` (options as for the single-text endpoints). At most
 * `api.batch_classification.max_batch_size` texts (default 100). Response: `{"results": [...],
 * "total_count", "processing_time_ms", "statistics": {"category_distribution", "avg_confidence",
 * "low_confidence_count"}}`. Each result has upstream's `category` / `confidence` /
 * `processing_time_ms`: for intent the category; for pii `no_pii` or the first entity type (with
 * `entities`); for security `safe` or the attack family (with `is_jailbreak`, `risk_score`). With
 * `all`, each result is the intent result plus `pii` and `security` objects. Texts are processed
 * concurrently (the detectors are in-process; ONNX models micro-batch in the ML runtime).
 * `low_confidence_count` counts confidences below 0.7, as upstream.
 *
 * Upstream's batch_classification_* metrics are recorded per `api.batch_classification.metrics`
 * (../batch-metrics.ts).
 */
import { toRouterError } from '../../errors.js'
import type { Runtime } from '../../pipeline/runtime.js'
import {
  BatchObservation,
  batchMetricsSettings,
  batchRequestError as invalid,
} from '../batch-metrics.js'
import { requireObject, requireRuntime } from '../errors.js'
import {
  checkLength,
  detectPii,
  detectSecurity,
  elapsedMs,
  guardOptions,
  type GuardOptions,
} from '../guard-results.js'
import { categoryProbabilities } from '../intent-result.js'
import { BATCH_REQUEST, BATCH_RESULT } from '../schemas/guards.js'
import type { ApiContext, ApiRoute } from '../types.js'

const TASKS = ['intent', 'pii', 'security', 'all'] as const
type Task = (typeof TASKS)[number]
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

/** Validate the body; each failure names upstream's error type for the metrics. */
function parse(body: unknown, ctx: ApiContext): BatchRequest {
  const obj = requireObject(body)
  const texts = obj['texts']
  if (texts === undefined || texts === null)
    throw invalid('missing_texts_field', 'texts is required', 'texts')
  if (!Array.isArray(texts))
    throw invalid('parse_request_failed', 'texts must be an array of strings', 'texts')
  if (texts.length === 0) throw invalid('empty_texts', 'texts must not be empty', 'texts')
  texts.forEach((t, i) => {
    if (typeof t !== 'string' || t.trim() === '')
      throw invalid('parse_request_failed', `texts[${i}] must be a non-empty string`, `texts[${i}]`)
    checkLength(t, `texts[${i}]`)
  })
  const task = (obj['task_type'] ?? 'intent') as Task
  if (!TASKS.includes(task))
    throw invalid('invalid_task_type', `task_type must be one of ${TASKS.join(', ')}`, 'task_type')
  const runtime = requireRuntime(ctx)
  const max = runtime.config.api?.batch_classification?.max_batch_size ?? DEFAULT_MAX_BATCH
  if (texts.length > max)
    throw invalid(
      'too_many_texts',
      `texts has ${texts.length} entries; the limit is ${max}`,
      'texts',
    )
  return { texts: texts as string[], task, runtime, options: guardOptions(obj, runtime) }
}

async function intentResult(runtime: Runtime, text: string, withProbabilities: boolean) {
  const started = performance.now()
  const r = await runtime.pipeline.classifyText(text)
  const result: Result = {
    category: r.category === '' ? 'unknown' : r.category,
    confidence: r.confidence,
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
  const withProbabilities = batch.options.raw['return_probabilities'] === true
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

export const classifyBatchRoute: ApiRoute = {
  method: 'POST',
  path: '/api/v1/classify/batch',
  summary: 'Classify many texts (intent, pii, security or all) with statistics',
  schema: { request: BATCH_REQUEST, response: BATCH_RESULT },
  handle: async (req, ctx) => {
    const settings = batchMetricsSettings(ctx.config())
    const slots = ctx.runtime()?.services.state.batchSlots
    const observed = new BatchObservation(ctx.metrics, settings, req.signal, slots)
    try {
      const batch = parse(req.body, ctx)
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
