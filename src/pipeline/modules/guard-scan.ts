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
import type { RouterMetrics } from '../../metrics/router-metrics.js'
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

/** Score one message's text (`message` says whose it is: a detector may depend on the role). */
export type Detect<T> = (
  text: string,
  signal: AbortSignal | undefined,
  message: ScannedText,
) => Promise<T>

/** One detector call, settled (never rejects) and timed from its real start. */
interface Timed<T> {
  readonly outcome: { ok: true; value: T } | { ok: false; error: unknown }
  readonly ms: number
}

/** Detector calls started ahead of the module's turn (PipelineModule.prepare). */
export interface StartedScan<T> {
  readonly messages: readonly ScannedText[]
  readonly detections: readonly Promise<Timed<T>>[]
}

function timed<T>(detect: Detect<T>, message: ScannedText, signal: AbortSignal | undefined) {
  const started = performance.now()
  const ms = () => performance.now() - started
  let pending: Promise<T>
  try {
    pending = detect(message.text, signal, message)
  } catch (error) {
    return Promise.resolve<Timed<T>>({ outcome: { ok: false, error }, ms: ms() })
  }
  return pending.then(
    (value): Timed<T> => ({ outcome: { ok: true, value }, ms: ms() }),
    (error: unknown): Timed<T> => ({ outcome: { ok: false, error }, ms: ms() }),
  )
}

/**
 * Start the detector on every scannable message now, so a synchronous detector (the rule
 * detector) runs while the classifier's model inference is in flight, and a model detector's
 * inference overlaps it. Results are consumed, in order and with the same early stop, by
 * scanMessages; a request that never gets there costs only the work.
 */
export function startScan<T>(ctx: RequestContext, detect: Detect<T>): StartedScan<T> {
  const messages = scannableTexts(ctx.request.body)
  return {
    messages,
    detections: messages.map((m) => timed(detect, m, ctx.meta.signal)),
  }
}

/**
 * Run `detect` on each message in order, timing every call; `started` supplies calls begun by
 * startScan (the rest start here, one after another).
 */
export async function scanMessages<T>(
  ctx: RequestContext,
  metrics: RouterMetrics,
  guard: GuardName,
  detect: Detect<T>,
  on: ScanHandlers<T>,
  started?: StartedScan<T>,
): Promise<void> {
  const messages = started?.messages ?? scannableTexts(ctx.request.body)
  for (const [i, message] of messages.entries()) {
    const { outcome, ms } = await (started?.detections[i] ??
      timed(detect, message, ctx.meta.signal))
    metrics.classifierLatency.observe({ classifier: guard }, ms / 1000)
    if (!outcome.ok && isAbort(outcome.error)) throw outcome.error
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
  if (onError === 'block') metrics.recordError(ctx.request.model, 'classification_failed')
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
