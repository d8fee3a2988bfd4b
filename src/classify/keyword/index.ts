import { z } from 'zod'
import type { ClassifierPlugin } from '../types.js'
import { KeywordClassifier } from './keyword-classifier.js'

export const keywordPlugin: ClassifierPlugin<Record<string, never>> = {
  kind: 'keyword',
  description: 'keyword_rules: literal keywords with AND / OR / NOR, first matching rule wins',
  optionsSchema: z.strictObject({}),
  create({ config }) {
    return config.keyword_rules.length === 0 ? null : new KeywordClassifier(config.keyword_rules)
  },
}
export { KeywordClassifier } from './keyword-classifier.js'
