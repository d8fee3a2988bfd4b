/**
 * `classification`: evaluates the decisions of a request that asked the router to choose (an auto
 * name or an entrypoint): the signals its recipe's decisions need (src/decisions/engine.ts; the
 * classic category classifier chain is the `domain` signal) and the winning decision. It also
 * records what the category classifier said (category, confidence, metrics) and, for classic
 * configs, the entropy-based reasoning input. Concrete models are not classified (upstream).
 */
import { z } from 'zod'
import { recipeFor } from '../../decisions/compile.js'
import type { DecisionResult } from '../../decisions/engine.js'
import { decideByEntropy, type EntropyDecision } from '../../reasoning/entropy.js'
import { label } from '../../metrics/router-metrics.js'
import type { CategoryClassification } from '../../classify/types.js'
import { identitySettings, requestIdentity } from '../../signals/identity.js'
import type { SignalInput } from '../../signals/types.js'
import { defineSlot, readSlot, writeSlot } from '../module-state.js'
import { PLUGIN_API_VERSION, type ModuleFactory, type RequestContext } from '../types.js'
import type { Writable } from '../writable.js'

export interface ClassificationState {
  /** Entropy decision when the result carried a full distribution (model classifiers). */
  readonly entropy?: EntropyDecision
}

export const CLASSIFICATION = 'classification'

export function classificationState(ctx: RequestContext): ClassificationState | undefined {
  return readSlot(ctx, ENTROPY)
}

/** The entropy input for reasoning. Optional: without classification, reasoning uses the config. */
export const ENTROPY = defineSlot<ClassificationState>(CLASSIFICATION, { optional: true })

const NO_HISTORY: readonly string[] = Object.freeze([])

interface Started {
  readonly at: number
  readonly result: Promise<DecisionResult>
}

export const classificationModule: ModuleFactory = {
  kind: CLASSIFICATION,
  apiVersion: PLUGIN_API_VERSION,
  optionsSchema: z.strictObject({}),
  reads: [],
  writes: ['category', 'confidence', 'classification', 'decision', ENTROPY],
  description:
    'Evaluate the signals the decisions need (keywords, domain classifier, context, ...) and pick the decision',
  enabledByDefault: true,
  create({ config, tables, decisions, services }) {
    const threshold = config.classifier.category_model.threshold
    const identity = identitySettings(config)
    const { metrics } = services
    /** Evaluations started by prepare(), so model inference overlaps the guards' scans. */
    const started = new WeakMap<RequestContext, Started>()
    const start = (ctx: RequestContext): Started | undefined => {
      if (!ctx.autoRouted) return undefined
      const recipe = recipeFor(tables.decisions, ctx.request.model)
      if (!recipe) return undefined
      const history = config.pipeline.classify_history
        ? ctx.request.earlierUserTexts.slice(-config.pipeline.history_turns)
        : NO_HISTORY
      const at = performance.now()
      const caller = ctx.meta.caller
      const input: Writable<SignalInput> = {
        request: ctx.request,
        headers: ctx.meta.headers,
        text: ctx.classificationText,
        history,
        identity: requestIdentity(ctx.meta.headers, ctx.meta.transport, identity, caller),
        requestId: ctx.meta.requestId,
        memo: new Map(),
        // Read only by a signal that runs a model: the gateway builds the AbortSignal on first
        // access, and most requests (keywords, no guards) never need one.
        get signal() {
          return ctx.meta.signal
        },
      }
      // Set only when there is one (no temporary object spread per request).
      if (caller) input.caller = caller.principal
      return { at, result: decisions.start(recipe, input) }
    }
    return {
      name: CLASSIFICATION,
      apiVersion: PLUGIN_API_VERSION,
      prepare(ctx) {
        const run = start(ctx)
        if (!run) return
        // Observed in onRequest; a request answered before then drops it silently.
        run.result.catch(() => undefined)
        started.set(ctx, run)
      },
      async onRequest(ctx) {
        const run = started.get(ctx) ?? start(ctx)
        started.delete(ctx)
        if (!run) return
        const result = await run.result
        ctx.decision = result
        const m = metrics.decisions
        m.evaluationLatency.observe(
          { recipe: result.recipe.name },
          (performance.now() - run.at) / 1000,
        )
        for (const t of result.timings) m.signalLatency.observe({ signal: t.type }, t.ms / 1000)
        const evidence = result.outcomes.get('domain')?.evidence?.['classification']
        const classification = evidence as CategoryClassification | undefined
        if (tables.decisions.source === 'v0.3') ctx.category = result.decision?.category ?? ''
        if (!classification) return
        const category = tables.categories.translate(classification.category)
        if (tables.decisions.entropyReasoning && (classification.distribution?.length ?? 0) > 0) {
          const began = performance.now()
          const translated = classification.distribution!.map((d) => ({
            category: tables.categories.translate(d.category),
            probability: d.probability,
          }))
          const entropy = decideByEntropy(translated, tables.reasoningByCategory, threshold)
          metrics.entropyLatency.observe((performance.now() - began) / 1000)
          recordEntropyMetrics(ctx, entropy)
          writeSlot(ctx, ENTROPY, { entropy })
        }
        ctx.classification = classification
        // Rules carry their own thresholds; the model threshold applies to model output only.
        const confident =
          classification.source !== 'model' || classification.confidence >= threshold
        if (!confident) return
        if (tables.decisions.source === 'classic') ctx.category = category
        ctx.confidence = classification.confidence
        metrics.categoryClassifications.inc({ category: label(category) })
        metrics.classificationConfidence.observe(
          { category: label(category), classification_method: classification.source },
          classification.confidence,
        )
      },
    }
  },
}

function recordEntropyMetrics(ctx: RequestContext, e: EntropyDecision): void {
  const m = ctx.services.metrics
  m.entropyDecisions.inc({
    uncertainty_level: e.level,
    reasoning_enabled: String(e.useReasoning),
    decision_reason: e.reason,
    top_category: label(e.topCategory),
  })
  m.entropyValues.observe(
    { category: label(e.topCategory), classification_type: 'entropy_based' },
    e.entropy,
  )
  m.classificationConfidence.observe(
    { category: label(e.topCategory), classification_method: 'entropy_based' },
    e.confidence,
  )
  m.probabilityQuality.inc({
    quality_check: 'sum_check',
    status: e.distributionValid.sum ? 'valid' : 'invalid',
  })
  m.probabilityQuality.inc({
    quality_check: 'negative_check',
    status: e.distributionValid.nonNegative ? 'valid' : 'invalid',
  })
}
