/**
 * `domain`: the category classifier chain's answer (src/classify: keyword rules, embedding rules
 * and the category model in a classic config; the category model in a v0.3 one), mapped to the
 * declared domains: a domain matches when the label is its name or one of its `mmlu_categories`
 * (case-insensitive). A model's answer counts when its probability reaches
 * `classifier.category_model.threshold`; with a full distribution every label at or above the
 * threshold is reported (upstream's high-entropy rule). Rule answers carry their own thresholds.
 */
import type { CategoryClassification } from '../classify/types.js'
import { domainSignalSchema } from '../config/schema/v03/signals.js'
import type { z } from 'zod'
import { shared, type SignalInput, type SignalOutcome, type SignalPlugin } from './types.js'
import type { ClassifierChain } from '../classify/chain.js'

type DomainRule = z.output<typeof domainSignalSchema>

export const CLASSIFICATION_MEMO = 'classification'

/** The request's category classification (one per request, shared with `complexity`). */
export function classification(
  input: SignalInput,
  classifiers: ClassifierChain,
): Promise<CategoryClassification | null> {
  return shared(input, CLASSIFICATION_MEMO, () =>
    input.text === ''
      ? Promise.resolve(null)
      : classifiers.classify({
          text: input.text,
          history: input.history,
          // Passed on unread (a keyword classifier never needs it; see classification.ts).
          get signal() {
            return input.signal
          },
        }),
  )
}

export const domainSignal: SignalPlugin<DomainRule> = {
  kind: 'domain',
  family: 'domains',
  cost: 'model',
  description: 'the category classifier picks a label of the domain (name or mmlu_categories)',
  optionsSchema: domainSignalSchema,
  create({ config, classifiers }, rules) {
    const threshold = config.classifier.category_model.threshold
    const byLabel = new Map<string, string[]>()
    for (const r of rules)
      for (const label of new Set([r.name, ...r.mmlu_categories].map((l) => l.toLowerCase())))
        byLabel.set(label, [...(byLabel.get(label) ?? []), r.name])
    // A promise reaction rather than an async function: one frame and promise fewer per request.
    const outcome = (result: CategoryClassification | null): SignalOutcome => {
      const matches = new Map<string, number>()
      if (!result) return { matches }
      const labels = new Map<string, number>()
      if (result.source !== 'model' || result.confidence >= threshold)
        labels.set(result.category, result.confidence)
      if (result.source === 'model')
        for (const d of result.distribution ?? [])
          if (d.probability >= threshold) labels.set(d.category, d.probability)
      for (const [label, p] of labels)
        for (const name of byLabel.get(label.toLowerCase()) ?? [])
          matches.set(name, Math.max(p, matches.get(name) ?? 0))
      return { matches, evidence: { classification: result } }
    }
    return {
      evaluate: (input) => classification(input, classifiers).then(outcome),
    }
  },
}
