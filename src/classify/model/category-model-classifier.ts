/**
 * `model` classifier: the category model (classifier.category_model, or the embedded default)
 * through the ML runtime. Returns the top label and the full probability distribution, which the
 * pipeline needs for upstream's entropy-based reasoning decision; the pipeline applies
 * `category_model.threshold`. A model that declares a question view (question-view.ts) also scores
 * the current message's question sentence in the same batch. Failures propagate so the chain
 * applies `on_error`.
 */
import type { CategoryClassification, CategoryClassifier, ClassifyInput } from '../types.js'
import { toClassification } from '../../ml/model.js'
import type { RoleModel } from '../../ml/roles.js'
import {
  readQuestionView,
  viewedDistribution,
  viewTexts,
  type QuestionView,
} from './question-view.js'

/** Weight of the current message against the mean of earlier turns (classify_history). */
const CURRENT_WEIGHT = 2

export class CategoryModelClassifier implements CategoryClassifier {
  readonly kind = 'model'
  readonly labels: readonly string[]
  private readonly questionView: QuestionView | undefined

  constructor(private readonly loaded: RoleModel) {
    this.labels = loaded.lease.model.info.labels
    this.questionView = readQuestionView(loaded.lease.model.info.dir)
  }

  get modelName(): string {
    return this.loaded.resolved.name
  }

  async classify(input: ClassifyInput): Promise<CategoryClassification | null> {
    const own = viewTexts(input.text, this.questionView)
    const results = await this.loaded.lease.model.run([...own, ...input.history], input.signal)
    const dists = results.map((r) => toClassification(this.labels, r).probabilities)
    const probs = viewedDistribution(dists, own.length, this.questionView)
    dists.splice(0, own.length, probs)
    if (dists.length > 1) {
      const others = dists.slice(1)
      for (let k = 0; k < probs.length; k++) {
        const mean = others.reduce((s, d) => s + d[k]!, 0) / others.length
        probs[k] = (CURRENT_WEIGHT * probs[k]! + mean) / (CURRENT_WEIGHT + 1)
      }
    }
    let best = 0
    for (let k = 1; k < probs.length; k++) if (probs[k]! > probs[best]!) best = k
    return {
      category: this.labels[best]!,
      confidence: probs[best]!,
      distribution: this.labels.map((category, k) => ({ category, probability: probs[k]! })),
      source: this.kind,
      detail: this.loaded.resolved.name,
    }
  }

  close(): Promise<void> {
    return this.loaded.lease.release()
  }
}
