import { z } from 'zod'
import type { ClassifierPlugin } from '../types.js'
import { EmbeddingRuleClassifier } from './embedding-classifier.js'

export const embeddingPlugin: ClassifierPlugin<Record<string, never>> = {
  kind: 'embedding',
  description: 'embedding_rules: similarity to reference phrases (mean | max | any)',
  optionsSchema: z.strictObject({}),
  create({ config, services }) {
    if (config.embedding_rules.length === 0) return null
    return new EmbeddingRuleClassifier(config.embedding_rules, () => services.embedder())
  },
}
export { EmbeddingRuleClassifier } from './embedding-classifier.js'
