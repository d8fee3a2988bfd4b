/**
 * `classification`: runs the classifier chain for auto-routed requests, maps the label to a
 * configured category, applies the category model's confidence threshold, and records the
 * entropy-based reasoning input. Explicit models are not classified (upstream behaviour).
 */
import { z } from 'zod'
import { decideByEntropy, type EntropyDecision } from '../../reasoning/entropy.js'
import { label } from '../../metrics/router-metrics.js'
import type { CategoryClassification } from '../../classify/types.js'
import { defineSlot, readSlot, writeSlot } from '../module-state.js'
import { PLUGIN_API_VERSION, type ModuleFactory, type RequestContext } from '../types.js'

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

export const classificationModule: ModuleFactory = {
  kind: CLASSIFICATION,
  apiVersion: PLUGIN_API_VERSION,
  optionsSchema: z.strictObject({}),
  reads: [],
  writes: ['category', 'confidence', 'classification', ENTROPY],
  description: 'Classify the prompt into a category (keyword rules, embedding rules, model)',
  enabledByDefault: true,
  create({ config, tables, classifiers, services }) {
    const threshold = config.classifier.category_model.threshold
    const { metrics } = services
    /** Classifications started by prepare(), so model inference overlaps the guards' scans. */
    const started = new WeakMap<RequestContext, Promise<CategoryClassification | null>>()
    const classify = (ctx: RequestContext): Promise<CategoryClassification | null> | undefined => {
      if (!ctx.autoRouted || ctx.classificationText === '') return undefined
      const history = config.pipeline.classify_history
        ? ctx.request.earlierUserTexts.slice(-config.pipeline.history_turns)
        : []
      return classifiers.classify({
        text: ctx.classificationText,
        history,
        signal: ctx.meta.signal,
      })
    }
    return {
      name: CLASSIFICATION,
      apiVersion: PLUGIN_API_VERSION,
      prepare(ctx) {
        const pending = classify(ctx)
        if (!pending) return
        // Observed in onRequest; a request answered before then drops it silently.
        pending.catch(() => undefined)
        started.set(ctx, pending)
      },
      async onRequest(ctx) {
        const pending = started.get(ctx) ?? classify(ctx)
        started.delete(ctx)
        if (!pending) return
        const result = await pending
        if (!result) return
        const category = tables.categories.translate(result.category)
        let entropy: EntropyDecision | undefined
        if (result.distribution && result.distribution.length > 0) {
          const started = performance.now()
          const translated = result.distribution.map((d) => ({
            category: tables.categories.translate(d.category),
            probability: d.probability,
          }))
          entropy = decideByEntropy(translated, tables.reasoningByCategory, threshold)
          metrics.entropyLatency.observe((performance.now() - started) / 1000)
          recordEntropyMetrics(ctx, entropy)
        }
        writeSlot(ctx, ENTROPY, { ...(entropy ? { entropy } : {}) })
        ctx.classification = result
        // Rules carry their own thresholds; the model threshold applies to model output only.
        const confident = result.source !== 'model' || result.confidence >= threshold
        if (!confident) return
        ctx.category = category
        ctx.confidence = result.confidence
        metrics.categoryClassifications.inc({ category: label(category) })
        metrics.classificationConfidence.observe(
          { category: label(category), classification_method: result.source },
          result.confidence,
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
