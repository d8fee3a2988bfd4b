/**
 * `pii`: enforces `model_config.<model>.pii_policy`. Only models with `allow_by_default: false` are
 * enforced (upstream's rule); a LoRA name uses its base model's policy; unknown models are allowed.
 * The module is not built at all when no model enforces a policy, and skips detection when the
 * selected model allows everything, so PII detection costs nothing where it cannot change a decision.
 *
 * Detection scans every message (src/guards/message-texts.ts) and keeps entities with confidence ≥
 * the category's `pii_threshold`, else `classifier.pii_model.threshold` (upstream always used the
 * global one). `pii_enabled: false` on the category turns detection off (upstream ignored it), and
 * so does a threshold of 0 (upstream's switch). When the policy denies a detected type:
 *  - auto requests move to the best-scored model of the category whose policy allows every detected
 *    type, else to `default_model` if it allows them (reason `pii_policy_alternative_selected`);
 *  - otherwise (explicit model, or nothing allowed) the request is answered with upstream's PII
 *    content-filter completion and `x-vsr-pii-violation` / `x-vsr-pii-types` headers.
 * `llm_pii_violations_total{model,pii_type}` counts each denied type against the model whose policy
 * denied it, whether the request was re-routed or blocked.
 */
import { z } from 'zod'
import { deniedTypes, isEnforced } from '../../routing/pii-policy.js'
import type { PiiEntity } from '../../guards/types.js'
import { logEvent } from '../../log.js'
import { piiBlockResponse } from '../immediate.js'
import { defineSlot, readSlot, writeSlot } from '../module-state.js'
import { routeTo, selectModel } from './selection.js'
import { PLUGIN_API_VERSION, type ModuleFactory, type RequestContext } from '../types.js'
import { guardFailed, scanMessages } from './guard-scan.js'

export const PII = 'pii'
/** `x-vsr-pii-types` of the block answered when detection failed and on_error is block. */
export const DETECTOR_ERROR_TYPE = 'PII_DETECTOR_ERROR'

export interface PiiState {
  /** Detected types (confidence ≥ threshold), sorted. */
  readonly types: readonly string[]
  readonly denied: readonly string[]
  readonly threshold: number
  /** Model whose policy was checked first. */
  readonly checkedModel: string
  readonly action: 'allowed' | 'rerouted' | 'blocked' | 'skipped'
}

export const PII_STATE = defineSlot<PiiState>(PII, { optional: true })

export function piiState(ctx: RequestContext): PiiState | undefined {
  return readSlot(ctx, PII_STATE)
}

export const piiModule: ModuleFactory = {
  kind: PII,
  apiVersion: PLUGIN_API_VERSION,
  optionsSchema: z.strictObject({}),
  reads: ['category', 'selectedModel', 'upstreamModel'],
  writes: ['selectedModel', 'upstreamModel', 'reasonCode', 'endpoint', PII_STATE],
  description: 'Enforce per-model PII policies (re-route auto requests, block explicit ones)',
  enabledByDefault: true,
  async create({ config, services, tables, selection }) {
    const enforcedAnywhere = Object.values(config.model_config).some(
      (p) => !p.pii_policy.allow_by_default,
    )
    if (!enforcedAnywhere) return null
    const detector = await services.piiDetector()
    if (!detector) return null
    const { metrics } = services
    const onError = config.classifier.pii_model.on_error

    /** Entities at or above the threshold in every message; null when the detector failed. */
    const detect = async (ctx: RequestContext, threshold: number): Promise<PiiEntity[] | null> => {
      const found: PiiEntity[] = []
      let failed = false
      await scanMessages(ctx, metrics, 'pii', (text, signal) => detector.detect(text, signal), {
        result: (entities) => {
          for (const e of entities) if (e.confidence >= threshold) found.push(e)
        },
        error: (err) => {
          failed = true
          guardFailed(ctx, metrics, 'pii', onError, err)
          return true
        },
      })
      return failed ? null : found
    }

    /** Answer with upstream's PII block. `denied` null: the detector failed and on_error is block. */
    const block = (
      ctx: RequestContext,
      model: string,
      denied: readonly string[] | null,
      reasonCode: string,
    ) => {
      if (denied) metrics.recordError(ctx.request.model, 'pii_policy_denied')
      logEvent(
        ctx.log,
        'routing_block',
        {
          reason_code: reasonCode,
          request_id: ctx.meta.requestId,
          model,
          denied_pii: denied ?? [],
        },
        'warn',
      )
      return piiBlockResponse({
        stream: ctx.request.stream || ctx.meta.acceptsEventStream,
        model,
        types: denied ?? [DETECTOR_ERROR_TYPE],
      })
    }

    return {
      name: PII,
      apiVersion: PLUGIN_API_VERSION,
      async onRequest(ctx) {
        const { enabled, threshold } = tables.policies.of(ctx.category).pii
        const checked = ctx.selectedModel
        const skip = (): void => {
          writeSlot(ctx, PII_STATE, {
            types: [],
            denied: [],
            threshold,
            checkedModel: checked,
            action: 'skipped',
          })
        }
        if (!enabled || !isEnforced(config, checked)) return skip()

        const entities = await detect(ctx, threshold)
        if (entities === null) {
          if (onError === 'block') return block(ctx, ctx.upstreamModel, null, 'pii_detector_error')
          return skip()
        }
        const types = [...new Set(entities.map((e) => e.type))].sort()
        const denied = deniedTypes(config, checked, types)
        const state = { types, denied, threshold, checkedModel: checked }
        if (denied.length === 0) {
          writeSlot(ctx, PII_STATE, { ...state, action: 'allowed' })
          return
        }
        for (const t of denied)
          metrics.piiViolations.inc({ model: metrics.modelLabel(checked), pii_type: t })

        if (ctx.autoRouted) {
          const policy = {
            name: 'pii_policy',
            accepts: (model: string) => deniedTypes(config, model, types).length === 0,
          }
          const alternative = selectModel(ctx, selection, [policy])
          if (alternative) {
            routeTo(ctx, tables, selection, alternative.model, alternative.upstreamModel)
          } else {
            writeSlot(ctx, PII_STATE, { ...state, action: 'blocked' })
            return block(ctx, ctx.upstreamModel, denied, 'pii_policy_denied_default_model')
          }
          ctx.reasonCode = 'pii_policy_alternative_selected'
          writeSlot(ctx, PII_STATE, { ...state, action: 'rerouted' })
          // Said once, in the request's routing_decision line.
          ctx.decisionLog['pii_rerouted_from'] = checked
          ctx.decisionLog['denied_pii'] = denied
          return
        }
        writeSlot(ctx, PII_STATE, { ...state, action: 'blocked' })
        return block(ctx, ctx.upstreamModel, denied, 'pii_policy_denied')
      },
    }
  },
}
