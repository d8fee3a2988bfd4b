/**
 * `jailbreak`: scans every message (src/guards/message-texts.ts) with the prompt_guard detector for
 * its role (src/guards/jailbreak/roles.ts: system and developer messages by the rules alone under
 * `prompt_guard.operator_messages: rules`) and answers with upstream's content-filter completion
 * when one is an attack (label `jailbreak` and confidence ≥ the threshold). The category's
 * `jailbreak_enabled` / `jailbreak_threshold` override the global prompt_guard settings once
 * classification has run; detection stays AND-ed with `prompt_guard.enabled`, as upstream. A
 * detector failure follows `prompt_guard.on_error` (guard-scan.ts): `allow` skips that message and
 * scans the rest, `block` answers with the block response, type `detector_error`.
 */
import { z } from 'zod'
import { attackProbability } from '../../guards/jailbreak/combined-detector.js'
import type { ScannedText } from '../../guards/message-texts.js'
import type { JailbreakVerdict } from '../../guards/types.js'
import { logEvent } from '../../log.js'
import { jailbreakBlockResponse } from '../immediate.js'
import { defineSlot, readSlot, writeSlot } from '../module-state.js'
import { PLUGIN_API_VERSION, type ModuleFactory, type RequestContext } from '../types.js'
import { guardFailed, scanMessages, startScan, type StartedScan } from './guard-scan.js'

export const JAILBREAK = 'jailbreak'

export interface JailbreakState {
  readonly scanned: number
  /** Highest attack probability seen across messages. */
  readonly maxProbability: number
  readonly threshold: number
}

export const JAILBREAK_STATE = defineSlot<JailbreakState>(JAILBREAK, { optional: true })

export function jailbreakState(ctx: RequestContext): JailbreakState | undefined {
  return readSlot(ctx, JAILBREAK_STATE)
}

export const jailbreakModule: ModuleFactory = {
  kind: JAILBREAK,
  apiVersion: PLUGIN_API_VERSION,
  optionsSchema: z.strictObject({}),
  reads: ['category'],
  writes: [JAILBREAK_STATE],
  description: 'Block jailbreak / prompt-injection attempts (prompt_guard)',
  enabledByDefault: true,
  async create({ config, services, tables }) {
    // A v0.3 config blocks through its decisions (a jailbreak signal + fast_response), never globally.
    if (!config.prompt_guard.enabled || config.v03) return null
    const detector = await services.jailbreakDetector()
    if (!detector) return null
    const { metrics } = services
    const onError = config.prompt_guard.on_error

    /**
     * `detected`: an attack was found in `message`; otherwise the detector failed on it and
     * on_error is block. The log names the message (role[index]) and the detector that read it.
     */
    const block = (
      ctx: RequestContext,
      message: ScannedText,
      verdict: { type: string; confidence: number; detail: string },
      detected: boolean,
    ) => {
      if (detected) metrics.recordError(ctx.request.model, 'jailbreak_block')
      logEvent(
        ctx.log,
        'security_block',
        {
          reason_code: detected ? 'jailbreak_detected' : 'jailbreak_detector_error',
          request_id: ctx.meta.requestId,
          jailbreak_type: verdict.type,
          confidence: Number(verdict.confidence.toFixed(3)),
          detector: detector.forRole(message.role).kind,
          detail: `${message.role}[${message.index}] ${verdict.detail}`.trim(),
        },
        'warn',
      )
      return jailbreakBlockResponse({
        stream: ctx.request.stream || ctx.meta.acceptsEventStream,
        type: verdict.type,
        confidence: verdict.confidence,
      })
    }

    const detect = (text: string, signal: AbortSignal | undefined, message: ScannedText) =>
      detector.forRole(message.role).detect(text, signal)
    /**
     * Scans begun by prepare(): the category (which may switch the guard off or change its
     * threshold) is only known after classification, but the verdicts do not depend on it, so
     * the scan runs while the category model infers. A category with jailbreak_enabled: false
     * wastes that scan; the decision is unchanged.
     */
    const started = new WeakMap<RequestContext, StartedScan<JailbreakVerdict>>()

    return {
      name: JAILBREAK,
      apiVersion: PLUGIN_API_VERSION,
      prepare(ctx) {
        started.set(ctx, startScan(ctx, detect))
      },
      async onRequest(ctx) {
        const scan = started.get(ctx)
        started.delete(ctx)
        const { enabled, threshold } = tables.policies.of(ctx.category).jailbreak
        if (!enabled) return
        let max = 0
        let scanned = 0
        let answer: ReturnType<typeof block> | undefined
        await scanMessages<JailbreakVerdict>(
          ctx,
          metrics,
          'jailbreak',
          detect,
          {
            result: (verdict, message) => {
              scanned++
              max = Math.max(max, attackProbability(verdict))
              if (!verdict.isJailbreak || verdict.confidence < threshold) return
              const { label, confidence } = verdict
              const detail = verdict.detail ?? ''
              answer = block(ctx, message, { type: label, confidence, detail }, true)
              return true
            },
            error: (err, message) => {
              if (guardFailed(ctx, metrics, 'jailbreak', onError, err) === 'allow') return
              const failed = { type: 'detector_error', confidence: 1, detail: 'detector failed' }
              answer = block(ctx, message, failed, false)
              return true
            },
          },
          scan,
        )
        writeSlot(ctx, JAILBREAK_STATE, { scanned, maxProbability: max, threshold })
        return answer
      },
    }
  },
}
