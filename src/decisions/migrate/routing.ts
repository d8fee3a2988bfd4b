/**
 * The classic routing as v0.3 signals and decisions, decision for decision the same.
 *
 * Classic routing runs one classifier chain — keyword rules, then embedding rules, then the
 * category model — and the first answer wins. In v0.3 every signal is evaluated independently, so
 * the precedence is written into the rules with NOT: a keyword rule counts only when no earlier
 * rule of another category matched; an embedding rule only when no keyword rule matched (only the
 * best embedding rule is reported, as the classic classifier picks the best); the domain only when
 * no rule matched at all. Each category becomes a decision of the same name (so the static
 * selector still ranks by its model_scores), plus a `fallback` decision for requests no category
 * claims (classic: default_model, reasoning off, cached).
 */
import type { CategoryConfig, RouterConfig } from '../../config/schema/index.js'
import type { RuleNodeConfig } from '../../config/schema/v03/rules.js'

export const FALLBACK_DECISION = 'fallback'
export const JAILBREAK_DECISION = 'jailbreak_block'

const leaf = (type: string, name: string): RuleNodeConfig => ({ type, name })
const not = (node: RuleNodeConfig): RuleNodeConfig => ({ operator: 'NOT', conditions: [node] })
const or = (nodes: RuleNodeConfig[]): RuleNodeConfig =>
  nodes.length === 1 ? nodes[0]! : { operator: 'OR', conditions: nodes }
const and = (nodes: RuleNodeConfig[]): RuleNodeConfig =>
  nodes.length === 1 ? nodes[0]! : { operator: 'AND', conditions: nodes }

export const keywordSignalName = (i: number, category: string): string => `kw${i}_${slug(category)}`
export const embeddingSignalName = (i: number, category: string): string =>
  `emb${i}_${slug(category)}`

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '') || 'x'
  )
}

/** The rule tree that matches exactly when the classic chain would answer `category`. */
export function categoryRule(config: RouterConfig, category: CategoryConfig): RuleNodeConfig {
  const kw = config.keyword_rules
  const emb = config.embedding_rules
  const branches: RuleNodeConfig[] = []
  kw.forEach((rule, i) => {
    if (rule.category !== category.name) return
    const earlier = kw
      .slice(0, i)
      .map((r, j) => [r, j] as const)
      .filter(([r]) => r.category !== category.name)
      .map(([r, j]) => leaf('keyword', keywordSignalName(j, r.category)))
    const own = leaf('keyword', keywordSignalName(i, rule.category))
    branches.push(earlier.length === 0 ? own : and([own, not(or(earlier))]))
  })
  const anyKeyword = kw.map((r, i) => leaf('keyword', keywordSignalName(i, r.category)))
  const noKeyword = anyKeyword.length === 0 ? [] : [not(or(anyKeyword))]
  emb.forEach((rule, i) => {
    if (rule.category === category.name)
      branches.push(and([...noKeyword, leaf('embedding', embeddingSignalName(i, rule.category))]))
  })
  const anyEmbedding = emb.map((r, i) => leaf('embedding', embeddingSignalName(i, r.category)))
  const noEmbedding = anyEmbedding.length === 0 ? [] : [not(or(anyEmbedding))]
  branches.push(and([...noKeyword, ...noEmbedding, leaf('domain', category.name)]))
  return or(branches)
}

/**
 * When the classic guard would block: an attack at the global threshold, except in categories that
 * switch the guard off or set their own threshold (each checked at its own threshold).
 */
export function jailbreakRule(
  config: RouterConfig,
  signalFor: (threshold: number) => string,
): RuleNodeConfig {
  const global = config.prompt_guard.threshold
  const overriding = config.categories.filter(
    (c) => c.jailbreak_enabled === false || c.jailbreak_threshold !== undefined,
  )
  const base = leaf('jailbreak', signalFor(global))
  const branches: RuleNodeConfig[] = [
    overriding.length === 0
      ? base
      : and([base, not(or(overriding.map((c) => categoryRule(config, c))))]),
  ]
  for (const c of overriding)
    if (c.jailbreak_enabled !== false)
      branches.push(
        and([categoryRule(config, c), leaf('jailbreak', signalFor(c.jailbreak_threshold!))]),
      )
  return or(branches)
}
