/**
 * `keyword_rules`: literal keywords (regex metacharacters are escaped, as upstream quotes them),
 * matched on word boundaries where the keyword starts or ends with a word character.
 * AND = every keyword present, OR = any, NOR = none. The first matching rule wins with
 * confidence 1.0.
 */
import type { KeywordRuleConfig } from '../../config/schema/index.js'
import type { CategoryClassification, CategoryClassifier, ClassifyInput } from '../types.js'

interface CompiledRule {
  readonly index: number
  readonly category: string
  readonly operator: KeywordRuleConfig['operator']
  readonly patterns: readonly RegExp[]
}

const WORD = /\w/

export function compileKeyword(keyword: string, caseSensitive: boolean): RegExp {
  const escaped = keyword.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  const start = WORD.test(keyword.charAt(0)) ? '\\b' : ''
  const end = WORD.test(keyword.charAt(keyword.length - 1)) ? '\\b' : ''
  return new RegExp(`${start}${escaped}${end}`, caseSensitive ? 'u' : 'iu')
}

export function compileRules(rules: readonly KeywordRuleConfig[]): CompiledRule[] {
  return rules.map((rule, index) => ({
    index,
    category: rule.category,
    operator: rule.operator,
    patterns: rule.keywords.map((k) => compileKeyword(k, rule.case_sensitive)),
  }))
}

export function ruleMatches(rule: CompiledRule, text: string): boolean {
  switch (rule.operator) {
    case 'AND':
      return rule.patterns.every((p) => p.test(text))
    case 'OR':
      return rule.patterns.some((p) => p.test(text))
    case 'NOR':
      return !rule.patterns.some((p) => p.test(text))
  }
}

export class KeywordClassifier implements CategoryClassifier {
  readonly kind = 'keyword'
  readonly labels: readonly string[]
  private readonly rules: readonly CompiledRule[]

  constructor(rules: readonly KeywordRuleConfig[]) {
    this.rules = compileRules(rules)
    this.labels = [...new Set(rules.map((r) => r.category))]
  }

  classify(input: ClassifyInput): Promise<CategoryClassification | null> {
    return Promise.resolve(this.classifySync(input))
  }

  classifySync(input: ClassifyInput): CategoryClassification | null {
    const text = input.history.length > 0 ? [...input.history, input.text].join('\n') : input.text
    for (const rule of this.rules) {
      if (ruleMatches(rule, text))
        return {
          category: rule.category,
          confidence: 1,
          source: this.kind,
          detail: `keyword_rules[${rule.index}]`,
        }
    }
    return null
  }
}
