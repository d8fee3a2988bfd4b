/**
 * What the `jailbreak` and `pii` modules share: running a detector over every scannable message
 * with its latency in `llm_classifier_latency_seconds{classifier}`, and the `on_error` policy when
 * the detector fails.
 *
 * A failure is logged (`classifier_error`) and counted in `llm_classifier_errors_total{classifier,
 * policy}` whatever the policy. Only `block` ends the request, so only `block` also counts
 * `llm_request_errors_total{reason="classification_failed"}`. Aborts (client gone, processing
 * timeout) are not detector failures and propagate.
 */
import type { OnErrorPolicy } from '../../config/schema/common.js'
import { scannableTexts, type ScannedText } from '../../guards/message-texts.js'
import { logEvent } from '../../log.js'
import { label, type RouterMetrics } from '../../metrics/router-metrics.js'
import type { RequestContext } from '../types.js'

export type GuardName = 'jailbreak' | 'pii'

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')
}

export interface ScanHandlers<T> {
  /** A message's result; return true to stop scanning. */
  result(result: T, message: ScannedText): boolean | void
  /** The detector failed on a message (never an abort); return true to stop scanning. */
  error(err: unknown, message: ScannedText): boolean | void
}

/** Run `detect` on each message in order, timing every call. */
export async function scanMessages<T>(
  ctx: RequestContext,
  metrics: RouterMetrics,
  guard: GuardName,
  detect: (text: string, signal: AbortSignal | undefined) => Promise<T>,
  on: ScanHandlers<T>,
): Promise<void> {
  for (const message of scannableTexts(ctx.request.body)) {
    const started = performance.now()
    let outcome: { ok: true; value: T } | { ok: false; error: unknown }
    try {
      outcome = { ok: true, value: await detect(message.text, ctx.meta.signal) }
    } catch (err) {
      if (isAbort(err)) throw err
      outcome = { ok: false, error: err }
    } finally {
      metrics.classifierLatency.observe({ classifier: guard }, (performance.now() - started) / 1000)
    }
    const stop = outcome.ok ? on.result(outcome.value, message) : on.error(outcome.error, message)
    if (stop === true) return
  }
}

/** A detector failed: log and count it, and return the configured policy. */
export function guardFailed(
  ctx: RequestContext,
  metrics: RouterMetrics,
  guard: GuardName,
  onError: OnErrorPolicy,
  err: unknown,
): OnErrorPolicy {
  metrics.classifierErrors.inc({ classifier: guard, policy: onError })
  if (onError === 'block')
    metrics.requestErrors.inc({ model: label(ctx.request.model), reason: 'classification_failed' })
  logEvent(
    ctx.log,
    'classifier_error',
    {
      classifier: guard,
      request_id: ctx.meta.requestId,
      on_error: onError,
      error: err instanceof Error ? err.message : String(err),
    },
    'warn',
  )
  return onError
}
