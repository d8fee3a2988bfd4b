/**
 * `reasoning`: decides reasoning on/off and effort for auto-routed requests and writes the selected
 * model family's fields (see reasoning/controller.ts). The decision comes from the entropy of the
 * category distribution when the model classifier produced one (upstream's algorithm), else from
 * the category's configuration for the selected model (upstream used the first model_scores entry
 * regardless of which model was selected; we use the selected one).
 */
import { z } from 'zod'
import { applyReasoning, familyOf, resolveEffort } from '../../reasoning/controller.js'
import { label } from '../../metrics/router-metrics.js'
import { useReasoningFor } from '../../routing/select-model.js'
import { PLUGIN_API_VERSION, type ModuleFactory, type RequestContext } from '../types.js'
import type { ModelScoreConfig } from '../../config/schema/index.js'
import type { RoutingTables } from '../../routing/tables.js'
import { classificationState, ENTROPY } from './classification.js'

export const REASONING = 'reasoning'

function decide(
  ctx: RequestContext,
  tables: RoutingTables,
): { enabled: boolean; reason: string; score: ModelScoreConfig | undefined } {
  const category = tables.categories.get(ctx.category)
  const score = category?.model_scores.find(
    (s) => s.model === ctx.selectedModel && (s.lora_name ?? s.model) === ctx.upstreamModel,
  )
  const entropy = classificationState(ctx)?.entropy
  if (entropy) return { enabled: entropy.useReasoning, reason: `entropy:${entropy.reason}`, score }
  if (category) {
    const fromRule = ctx.classification && ctx.classification.source !== 'model'
    return {
      enabled: useReasoningFor(category, score),
      reason: fromRule ? 'keyword_match_category_config' : 'category_config',
      score,
    }
  }
  return { enabled: false, reason: 'no_category', score }
}

export const reasoningModule: ModuleFactory = {
  kind: REASONING,
  apiVersion: PLUGIN_API_VERSION,
  optionsSchema: z.strictObject({}),
  reads: ['category', 'selectedModel', 'upstreamModel', 'classification', ENTROPY],
  writes: ['reasoning', 'body'],
  description: 'Reasoning mode on/off and effort, written in the model family template',
  enabledByDefault: true,
  create({ config, tables, services }) {
    const { metrics } = services
    return {
      name: REASONING,
      apiVersion: PLUGIN_API_VERSION,
      onRequest(ctx) {
        if (!ctx.autoRouted) return
        const { enabled, reason, score } = decide(ctx, tables)
        const category = tables.categories.get(ctx.category)
        const effort = resolveEffort(config, score?.reasoning_effort ?? category?.reasoning_effort)
        const { family, familyConfig } = familyOf(config, ctx.selectedModel)
        const applied = applyReasoning(
          ctx.request.body,
          { enabled, effort, family, familyConfig },
          tables.templateParams,
        )
        ctx.bodyChanged = true
        ctx.reasoning = { enabled, effort, reason, ...(family === undefined ? {} : { family }) }
        metrics.reasoningDecisions.inc({
          category: label(ctx.category),
          model: label(ctx.upstreamModel),
          enabled: String(enabled),
          effort: label(effort, 'unspecified'),
        })
        if (enabled && family !== undefined && applied.param !== undefined)
          metrics.reasoningTemplateUsage.inc({ family, param: label(applied.param, 'none') })
        if (family !== undefined && applied.effortApplied !== undefined)
          metrics.reasoningEffortUsage.inc({ family, effort: applied.effortApplied })
      },
    }
  },
}
