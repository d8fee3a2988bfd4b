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
 */
import { RouterError } from '../../errors.js'
import type { Runtime } from '../../runtime/runtime.js'
import { optionalObject, requireObject, requireRuntime } from '../errors.js'
import {
  checkLength,
  detectPii,
  detectSecurity,
  elapsedMs,
  piiOptions,
  securityOptions,
  type PiiOptions,
  type SecurityOptions,
} from '../guard-results.js'
import { BATCH_REQUEST, BATCH_RESULT } from '../schemas/guards.js'
import type { ApiRoute } from '../types.js'

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

async function intentResult(runtime: Runtime, text: string, withProbabilities: boolean) {
  const started = performance.now()
  const r = await runtime.pipeline.classifyText(text)
  const result: Result = {
    category: r.category === '' ? 'unknown' : r.category,
    confidence: r.confidence,
    processing_time_ms: elapsedMs(started),
  }
  if (withProbabilities && r.classification?.distribution)
    result['probabilities'] = Object.fromEntries(
      runtime.pipeline.tables.categories
        .translateDistribution(r.classification.distribution)
        .map((p) => [p.category, p.probability]),
    )
  return result
}

async function piiResult(runtime: Runtime, text: string, opts: PiiOptions, signal: AbortSignal) {
  const { result, entities } = await detectPii(runtime, text, opts, signal)
  const top = [...entities].sort((a, b) => b.confidence - a.confidence)[0]
  return {
    category: entities[0]?.type ?? 'no_pii',
    confidence: top ? top.confidence : 1,
    processing_time_ms: result.processing_time_ms,
    has_pii: result.has_pii,
    entities: result.entities,
  } satisfies Result
}

async function securityResult(
  runtime: Runtime,
  text: string,
  opts: SecurityOptions,
  signal: AbortSignal,
) {
  const s = await detectSecurity(runtime, text, opts, signal)
  const families = s['detection_types'] as string[]
  return {
    category: s['is_jailbreak'] === true ? (families[0] ?? 'jailbreak') : 'safe',
    confidence: s['confidence'] as number,
    processing_time_ms: s['processing_time_ms'] as number,
    is_jailbreak: s['is_jailbreak'],
    risk_score: s['risk_score'],
  } satisfies Result
}

export const classifyBatchRoute: ApiRoute = {
  method: 'POST',
  path: '/api/v1/classify/batch',
  summary: 'Classify many texts (intent, pii, security or all) with statistics',
  schema: { request: BATCH_REQUEST, response: BATCH_RESULT },
  handle: async (req, ctx) => {
    const body = requireObject(req.body)
    const texts = body['texts']
    if (!Array.isArray(texts) || texts.length === 0)
      throw new RouterError('invalid_request', 'texts must be a non-empty array of strings', {
        param: 'texts',
      })
    texts.forEach((t, i) => {
      if (typeof t !== 'string' || t.trim() === '')
        throw new RouterError('invalid_request', `texts[${i}] must be a non-empty string`, {
          param: `texts[${i}]`,
        })
      checkLength(t, `texts[${i}]`)
    })
    const task = (body['task_type'] ?? 'intent') as Task
    if (!TASKS.includes(task))
      throw new RouterError('invalid_request', `task_type must be one of ${TASKS.join(', ')}`, {
        param: 'task_type',
      })
    const runtime = requireRuntime(ctx)
    const max = runtime.config.api?.batch_classification?.max_batch_size ?? DEFAULT_MAX_BATCH
    if (texts.length > max)
      throw new RouterError(
        'invalid_request',
        `texts has ${texts.length} entries; the limit is ${max}`,
        {
          param: 'texts',
        },
      )
    const options = optionalObject(body, 'options')
    const pOpts = piiOptions(options, runtime)
    const sOpts = securityOptions(options, runtime)
    const withProbabilities = options['return_probabilities'] === true
    const started = performance.now()
    const results = await Promise.all(
      (texts as string[]).map(async (text): Promise<Result> => {
        switch (task) {
          case 'intent':
            return intentResult(runtime, text, withProbabilities)
          case 'pii':
            return piiResult(runtime, text, pOpts, req.signal)
          case 'security':
            return securityResult(runtime, text, sOpts, req.signal)
          case 'all': {
            const [intent, pii, security] = await Promise.all([
              intentResult(runtime, text, withProbabilities),
              piiResult(runtime, text, pOpts, req.signal),
              securityResult(runtime, text, sOpts, req.signal),
            ])
            return { ...intent, pii, security }
          }
        }
      }),
    )
    const distribution: Record<string, number> = {}
    let sum = 0
    let low = 0
    for (const r of results) {
      distribution[r.category] = (distribution[r.category] ?? 0) + 1
      sum += r.confidence
      if (r.confidence < LOW_CONFIDENCE) low++
    }
    return {
      body: {
        results,
        total_count: results.length,
        task_type: task,
        processing_time_ms: elapsedMs(started),
        statistics: {
          category_distribution: distribution,
          avg_confidence: sum / results.length,
          low_confidence_count: low,
        },
      },
    }
  },
}
