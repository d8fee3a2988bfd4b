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
import { scannableTexts } from '../../guards/message-texts.js'
import { deniedTypes, isEnforced } from '../../guards/pii/policy.js'
import type { PiiEntity } from '../../guards/types.js'
import { logEvent } from '../../log.js'
import { label } from '../../metrics/router-metrics.js'
import { bestModelForCategory } from '../../routing/select-model.js'
import { piiBlockResponse } from '../immediate.js'
import { PLUGIN_API_VERSION, type ModuleFactory, type RequestContext } from '../types.js'

export const PII = 'pii'

export interface PiiState {
  /** Detected types (confidence ≥ threshold), sorted. */
  readonly types: readonly string[]
  readonly denied: readonly string[]
  readonly threshold: number
  /** Model whose policy was checked first. */
  readonly checkedModel: string
  readonly action: 'allowed' | 'rerouted' | 'blocked' | 'skipped'
}

export function piiState(ctx: RequestContext): PiiState | undefined {
  return ctx.moduleState.get(PII) as PiiState | undefined
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')
}

export const piiModule: ModuleFactory = {
  name: PII,
  apiVersion: PLUGIN_API_VERSION,
  description: 'Enforce per-model PII policies (re-route auto requests, block explicit ones)',
  enabledByDefault: true,
  after: ['routing'],
  async create({ config, services, tables }) {
    const enforcedAnywhere = Object.values(config.model_config).some(
      (p) => !p.pii_policy.allow_by_default,
    )
    if (!enforcedAnywhere) return null
    const detector = await services.piiDetector()
    if (!detector) return null
    const { metrics } = services
    const onError = config.classifier.pii_model.on_error

    const detect = async (ctx: RequestContext, threshold: number): Promise<PiiEntity[]> => {
      const found: PiiEntity[] = []
      for (const message of scannableTexts(ctx.request.body)) {
        const started = performance.now()
        try {
          for (const e of await detector.detect(message.text, ctx.meta.signal))
            if (e.confidence >= threshold) found.push(e)
        } finally {
          metrics.classifierLatency.observe(
            { classifier: 'pii' },
            (performance.now() - started) / 1000,
          )
        }
      }
      return found
    }

    const block = (
      ctx: RequestContext,
      model: string,
      types: readonly string[],
      reasonCode: string,
    ) => {
      metrics.requestErrors.inc({ model: label(ctx.request.model), reason: 'pii_policy_denied' })
      logEvent(
        ctx.log,
        'routing_block',
        { reason_code: reasonCode, request_id: ctx.meta.requestId, model, denied_pii: types },
        'warn',
      )
      return piiBlockResponse({
        stream: ctx.request.stream || ctx.meta.acceptsEventStream,
        model,
        types,
      })
    }

    return {
      name: PII,
      apiVersion: PLUGIN_API_VERSION,
      async onRequest(ctx) {
        const category = tables.categories.get(ctx.category)
        const threshold = category?.pii_threshold ?? config.classifier.pii_model.threshold
        const checked = ctx.selectedModel
        const skip = (): void => {
          ctx.moduleState.set(PII, {
            types: [],
            denied: [],
            threshold,
            checkedModel: checked,
            action: 'skipped',
          })
        }
        if (category?.pii_enabled === false || threshold === 0 || !isEnforced(config, checked))
          return skip()

        let entities: PiiEntity[]
        try {
          entities = await detect(ctx, threshold)
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
              classifier: 'pii',
              request_id: ctx.meta.requestId,
              on_error: onError,
              error: String(err),
            },
            'warn',
          )
          if (onError === 'block')
            return block(ctx, ctx.upstreamModel, ['PII_DETECTOR_ERROR'], 'pii_detector_error')
          return skip()
        }
        const types = [...new Set(entities.map((e) => e.type))].sort()
        const denied = deniedTypes(config, checked, types)
        const state = { types, denied, threshold, checkedModel: checked }
        if (denied.length === 0) {
          ctx.moduleState.set(PII, { ...state, action: 'allowed' })
          return
        }
        for (const t of denied) metrics.piiViolations.inc({ model: label(checked), pii_type: t })

        if (ctx.autoRouted) {
          const accepts = (model: string) => deniedTypes(config, model, types).length === 0
          const alternative = category ? bestModelForCategory(category, accepts) : undefined
          if (alternative) {
            ctx.selectedModel = alternative.model
            ctx.upstreamModel = alternative.upstreamModel
          } else if (config.default_model !== '' && accepts(config.default_model)) {
            ctx.selectedModel = config.default_model
            ctx.upstreamModel = config.default_model
          } else {
            ctx.moduleState.set(PII, { ...state, action: 'blocked' })
            return block(ctx, ctx.upstreamModel, denied, 'pii_policy_denied_default_model')
          }
          ctx.reasonCode = 'pii_policy_alternative_selected'
          ctx.moduleState.set(PII, { ...state, action: 'rerouted' })
          logEvent(ctx.log, 'routing_decision', {
            reason_code: 'pii_policy_alternative_selected',
            request_id: ctx.meta.requestId,
            original_model: checked,
            selected_model: ctx.upstreamModel,
            denied_pii: denied,
          })
          return
        }
        ctx.moduleState.set(PII, { ...state, action: 'blocked' })
        return block(ctx, ctx.upstreamModel, denied, 'pii_policy_denied')
      },
    }
  },
}
