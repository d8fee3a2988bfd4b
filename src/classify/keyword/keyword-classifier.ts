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
  /** Every keyword as one alternation (OR and NOR on non-ASCII text). */
  readonly any: RegExp
  /**
   * OR and NOR on ASCII text: the case-insensitive keywords that are one ASCII word, lower-cased,
   * looked up among the text's words (the same verdict as their regex: on ASCII text `\bkw\b`
   * matches exactly a whole run of [A-Za-z0-9_]), and the other keywords as one alternation.
   */
  readonly words: readonly string[]
  readonly rest: RegExp | null
}

const WORD = /\w/

export function compileKeyword(keyword: string, caseSensitive: boolean): RegExp {
  const escaped = keyword.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  const start = WORD.test(keyword.charAt(0)) ? '\\b' : ''
  const end = WORD.test(keyword.charAt(keyword.length - 1)) ? '\\b' : ''
  return new RegExp(`${start}${escaped}${end}`, caseSensitive ? 'u' : 'iu')
}

const ONE_ASCII_WORD = /^\w+$/
const ASCII = /^[\0-\x7f]*$/

/** One regex matching any of the keywords (null for none). */
function alternation(keywords: readonly string[], caseSensitive: boolean): RegExp | null {
  if (keywords.length === 0) return null
  const sources = keywords.map((k) => `(?:${compileKeyword(k, caseSensitive).source})`)
  return new RegExp(sources.join('|'), caseSensitive ? 'u' : 'iu')
}

export function compileRules(rules: readonly KeywordRuleConfig[]): CompiledRule[] {
  return rules.map((rule, index) => {
    const asWord = (k: string) => !rule.case_sensitive && ONE_ASCII_WORD.test(k)
    return {
      index,
      category: rule.category,
      operator: rule.operator,
      patterns: rule.keywords.map((k) => compileKeyword(k, rule.case_sensitive)),
      any: alternation(rule.keywords, rule.case_sensitive)!,
      words: rule.keywords.filter(asWord).map((k) => k.toLowerCase()),
      rest: alternation(
        rule.keywords.filter((k) => !asWord(k)),
        rule.case_sensitive,
      ),
    }
  })
}

/** The text's lower-cased runs of ASCII word characters, or null when the text is not ASCII. */
export function asciiWords(text: string): ReadonlySet<string> | null {
  return ASCII.test(text) ? new Set(text.toLowerCase().split(/\W+/)) : null
}

function anyMatches(rule: CompiledRule, text: string, words: ReadonlySet<string> | null): boolean {
  if (words === null) return rule.any.test(text)
  return rule.words.some((w) => words.has(w)) || (rule.rest !== null && rule.rest.test(text))
}

export function ruleMatches(
  rule: CompiledRule,
  text: string,
  words: ReadonlySet<string> | null = asciiWords(text),
): boolean {
  switch (rule.operator) {
    case 'AND':
      return rule.patterns.every((p) => p.test(text))
    case 'OR':
      return anyMatches(rule, text, words)
    case 'NOR':
      return !anyMatches(rule, text, words)
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
    const words = asciiWords(text)
    for (const rule of this.rules) {
      if (ruleMatches(rule, text, words))
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
