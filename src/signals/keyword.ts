/**
 * `keyword`: literal keywords (regex-escaped, whole words where the keyword starts or ends with a
 * word character; the classic keyword_rules matcher), or raw regular expressions with
 * `method: regex`. AND needs every keyword, OR any, NOR none. Every matching rule is reported with
 * confidence 1. Upstream's fuzzy methods (bm25, ngram, fuzzy_match) are matched literally here
 * (the loader says so).
 */
import { compileKeyword } from '../classify/keyword/keyword-classifier.js'
import { keywordSignalSchema } from '../config/schema/v03/signals.js'
import type { z } from 'zod'
import type { SignalPlugin } from './types.js'

type KeywordRule = z.output<typeof keywordSignalSchema>

export function compileKeywordPattern(rule: KeywordRule, keyword: string): RegExp {
  if (rule.method === 'regex') return new RegExp(keyword, rule.case_sensitive ? 'u' : 'iu')
  return compileKeyword(keyword, rule.case_sensitive)
}

export const keywordSignal: SignalPlugin<KeywordRule> = {
  kind: 'keyword',
  family: 'keywords',
  cost: 'cheap',
  description: 'literal keywords or regular expressions in the prompt (AND / OR / NOR)',
  optionsSchema: keywordSignalSchema,
  create(_ctx, rules) {
    const compiled = rules.map((rule) => ({
      name: rule.name,
      operator: rule.operator,
      patterns: rule.keywords.map((k) => compileKeywordPattern(rule, k)),
    }))
    return {
      evaluate(input) {
        const text =
          input.history.length > 0 ? [...input.history, input.text].join('\n') : input.text
        const matches = new Map<string, number>()
        for (const rule of compiled) {
          const hit =
            rule.operator === 'AND'
              ? rule.patterns.every((p) => p.test(text))
              : rule.operator === 'OR'
                ? rule.patterns.some((p) => p.test(text))
                : !rule.patterns.some((p) => p.test(text))
          if (hit) matches.set(rule.name, 1)
        }
        return { matches }
      },
    }
  },
}
