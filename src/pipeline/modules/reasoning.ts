/**
 * `reasoning`: decides reasoning on/off and effort for routed requests and writes the selected
 * model family's fields (see reasoning/controller.ts). A v0.3 decision's modelRef for the selected
 * model says it (`use_reasoning`, `reasoning_effort`); with no decision the body is left alone
 * (upstream). A classic config keeps upstream's classic rule: the entropy of the category
 * distribution when the model classifier produced one, else the category's configuration for the
 * selected model (upstream used the first model_scores entry whatever was selected; we use the
 * selected one).
 */
import { z } from 'zod'
import {
  applyReasoning,
  effortInEffect,
  familyOf,
  resolveEffort,
} from '../../reasoning/controller.js'
import { label } from '../../metrics/router-metrics.js'
import type { ModelRef } from '../../decisions/types.js'
import { PLUGIN_API_VERSION, type ModuleFactory, type RequestContext } from '../types.js'
import type { RoutingTables } from '../../routing/tables.js'
import { classificationState, ENTROPY } from './classification.js'

export const REASONING = 'reasoning'

interface Verdict {
  readonly enabled: boolean
  readonly reason: string
  readonly effort: string | undefined
}

function decide(ctx: RequestContext, tables: RoutingTables): Verdict | undefined {
  const decision = ctx.decision?.decision
  const ref: ModelRef | undefined = decision?.modelRefs.find(
    (r) => r.model === ctx.selectedModel && r.upstreamModel === ctx.upstreamModel,
  )
  if (!tables.decisions.entropyReasoning) {
    if (!decision) return undefined
    return { enabled: ref?.useReasoning ?? false, reason: 'decision', effort: ref?.reasoningEffort }
  }
  // Classic: a model outside the category's scores (a PII re-route) uses the category's defaults.
  const category = tables.categories.get(ctx.category)
  const effort = ref?.reasoningEffort ?? category?.reasoning_effort
  const entropy = classificationState(ctx)?.entropy
  if (entropy) return { enabled: entropy.useReasoning, reason: `entropy:${entropy.reason}`, effort }
  if (category) {
    const fromRule = ctx.classification && ctx.classification.source !== 'model'
    return {
      enabled: ref?.useReasoning ?? category.use_reasoning ?? false,
      reason: fromRule ? 'keyword_match_category_config' : 'category_config',
      effort,
    }
  }
  return { enabled: false, reason: 'no_category', effort }
}

export const reasoningModule: ModuleFactory = {
  kind: REASONING,
  apiVersion: PLUGIN_API_VERSION,
  optionsSchema: z.strictObject({}),
  reads: ['category', 'decision', 'selectedModel', 'upstreamModel', 'classification', ENTROPY],
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
        const verdict = decide(ctx, tables)
        if (!verdict) return
        const { enabled, reason } = verdict
        const effort = resolveEffort(config, verdict.effort)
        const { family, familyConfig } = familyOf(config, ctx.selectedModel)
        const target = { enabled, effort, family, familyConfig }
        const applied = applyReasoning(ctx.request.body, target, tables.templateParams)
        const inEffect = effortInEffect(target, applied)
        ctx.bodyChanged = true
        ctx.reasoning = {
          enabled,
          reason,
          ...(inEffect === undefined ? {} : { effort: inEffect }),
          ...(family === undefined ? {} : { family }),
        }
        metrics.reasoningDecisions.inc({
          category: label(ctx.category),
          model: metrics.modelLabel(ctx.upstreamModel),
          enabled: String(enabled),
          effort: label(inEffect, 'unspecified'),
        })
        // Usage of the reasoning template and effort counts reasoning that was switched on.
        if (enabled && family !== undefined && applied.param !== undefined)
          metrics.reasoningTemplateUsage.inc({ family, param: label(applied.param, 'none') })
        if (enabled && family !== undefined && applied.effortApplied !== undefined)
          metrics.reasoningEffortUsage.inc({ family, effort: applied.effortApplied })
      },
    }
  },
}
