/**
 * `jailbreak`: scans every message (src/guards/message-texts.ts) with the prompt_guard detector and
 * answers with upstream's content-filter completion when one is an attack (label `jailbreak` and
 * confidence ≥ the threshold). The category's `jailbreak_enabled` / `jailbreak_threshold` override
 * the global prompt_guard settings once classification has run; detection stays AND-ed with
 * `prompt_guard.enabled`, as upstream. A detector failure follows `prompt_guard.on_error`:
 * `allow` continues (counted as classification_failed), `block` answers as if an attack was found.
 */
import { attackProbability } from '../../guards/jailbreak/combined-detector.js'
import { scannableTexts } from '../../guards/message-texts.js'
import type { JailbreakVerdict } from '../../guards/types.js'
import { logEvent } from '../../log.js'
import { label } from '../../metrics/router-metrics.js'
import { jailbreakBlockResponse } from '../immediate.js'
import { PLUGIN_API_VERSION, type ModuleFactory, type RequestContext } from '../types.js'

export const JAILBREAK = 'jailbreak'

export interface JailbreakState {
  readonly scanned: number
  /** Highest attack probability seen across messages. */
  readonly maxProbability: number
  readonly threshold: number
}

export function jailbreakState(ctx: RequestContext): JailbreakState | undefined {
  return ctx.moduleState.get(JAILBREAK) as JailbreakState | undefined
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')
}

export const jailbreakModule: ModuleFactory = {
  name: JAILBREAK,
  apiVersion: PLUGIN_API_VERSION,
  description: 'Block jailbreak / prompt-injection attempts (prompt_guard)',
  enabledByDefault: true,
  after: ['classification'],
  async create({ config, services, tables }) {
    if (!config.prompt_guard.enabled) return null
    const detector = await services.jailbreakDetector()
    if (!detector) return null
    const { metrics } = services
    const onError = config.prompt_guard.on_error

    const block = (ctx: RequestContext, type: string, confidence: number, detail: string) => {
      metrics.requestErrors.inc({ model: label(ctx.request.model), reason: 'jailbreak_block' })
      logEvent(
        ctx.log,
        'security_block',
        {
          reason_code: 'jailbreak_detected',
          request_id: ctx.meta.requestId,
          jailbreak_type: type,
          confidence: Number(confidence.toFixed(3)),
          detector: detector.kind,
          detail,
        },
        'warn',
      )
      return jailbreakBlockResponse({
        stream: ctx.request.stream || ctx.meta.acceptsEventStream,
        type,
        confidence,
      })
    }

    return {
      name: JAILBREAK,
      apiVersion: PLUGIN_API_VERSION,
      async onRequest(ctx) {
        const category = tables.categories.get(ctx.category)
        if (category?.jailbreak_enabled === false) return
        const threshold = category?.jailbreak_threshold ?? config.prompt_guard.threshold
        let max = 0
        let scanned = 0
        for (const message of scannableTexts(ctx.request.body)) {
          const started = performance.now()
          let verdict: JailbreakVerdict
          try {
            verdict = await detector.detect(message.text, ctx.meta.signal)
          } catch (err) {
            if (isAbort(err)) throw err
            metrics.requestErrors.inc({
              model: label(ctx.request.model),
              reason: 'classification_failed',
            })
            logEvent(
              ctx.log,
              'classifier_error',
              {
                classifier: 'jailbreak',
                request_id: ctx.meta.requestId,
                on_error: onError,
                error: String(err),
              },
              'warn',
            )
            if (onError === 'block') return block(ctx, 'detector_error', 1, 'detector failed')
            continue
          } finally {
            metrics.classifierLatency.observe(
              { classifier: 'jailbreak' },
              (performance.now() - started) / 1000,
            )
          }
          scanned++
          max = Math.max(max, attackProbability(verdict))
          if (verdict.isJailbreak && verdict.confidence >= threshold) {
            ctx.moduleState.set(JAILBREAK, { scanned, maxProbability: max, threshold })
            return block(
              ctx,
              verdict.label,
              verdict.confidence,
              `${message.role}[${message.index}] ${verdict.detail ?? ''}`.trim(),
            )
          }
        }
        ctx.moduleState.set(JAILBREAK, { scanned, maxProbability: max, threshold })
      },
    }
  },
}
