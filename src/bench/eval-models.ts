/**
 * Model evaluation → config: per-category accuracy of each model with reasoning off and on becomes
 * `categories[].model_scores` (score, use_reasoning) in a router config, edited through the `yaml`
 * Document API so comments, key order and every other setting survive.
 *
 * The use_reasoning rule (docs/model-evaluation.md): with Δ = accuracy(on) − accuracy(off) and
 * r = completion tokens(on) / completion tokens(off), reasoning is used when
 *   Δ ≥ minGain  and  Δ ≥ tokenPenalty × (r − 1)
 * i.e. it must win by a clear margin, and by more the more extra tokens it spends. The score is the
 * accuracy of the chosen mode (at least 0.01, since upstream rejects a score of 0).
 */
import { isMap, isSeq, parseDocument, type Document } from 'yaml'
import { parseConfigText } from '../config/load.js'
import type { RouterConfig } from '../config/schema/index.js'
import { round } from './stats.js'
import type { ResultRow } from './types.js'

export interface DecisionRule {
  readonly minGain: number
  readonly tokenPenalty: number
}

export const DEFAULT_RULE: DecisionRule = { minGain: 0.03, tokenPenalty: 0.01 }

export interface ModelCategoryResult {
  readonly model: string
  readonly questions: number
  readonly accuracy_off: number
  readonly accuracy_on: number | null
  readonly completion_tokens_off: number
  readonly completion_tokens_on: number | null
  readonly use_reasoning: boolean
  readonly score: number
  readonly why: string
}

export function decideReasoning(
  off: { accuracy: number; tokens: number },
  on: { accuracy: number; tokens: number } | undefined,
  rule: DecisionRule,
): { use: boolean; why: string } {
  if (on === undefined)
    return { use: false, why: 'no reasoning run (model has no reasoning family)' }
  const gain = on.accuracy - off.accuracy
  const ratio = off.tokens > 0 ? on.tokens / off.tokens : on.tokens > 0 ? Infinity : 1
  const needed = Math.max(rule.minGain, rule.tokenPenalty * (ratio - 1))
  const use = gain >= needed - 1e-9
  const text = `gain ${(gain * 100).toFixed(1)} pts at ${ratio.toFixed(1)}x tokens; needs ≥ ${(needed * 100).toFixed(1)} pts`
  return { use, why: use ? `reasoning pays: ${text}` : `reasoning off: ${text}` }
}

/** Config category name for a dataset category: same name, or listed in mmlu_categories. */
export function categoryMap(config: RouterConfig, datasetCategories: readonly string[]) {
  const map = new Map<string, string>()
  const unmapped: string[] = []
  for (const dc of datasetCategories) {
    const target = config.categories.find(
      (c) =>
        c.name.toLowerCase() === dc.toLowerCase() ||
        (c.mmlu_categories ?? []).some((m) => m.toLowerCase() === dc.toLowerCase()),
    )
    if (target) map.set(dc, target.name)
    else unmapped.push(dc)
  }
  return { map, unmapped }
}

/** Per config category and model: accuracy and tokens with reasoning off/on, and the decision. */
export function scoreModels(
  rows: readonly ResultRow[],
  config: RouterConfig,
  rule: DecisionRule = DEFAULT_RULE,
) {
  const datasetCategories = [...new Set(rows.map((r) => r.category))].sort()
  const { map, unmapped } = categoryMap(config, datasetCategories)
  const results: Record<string, ModelCategoryResult[]> = {}
  const models = [...new Set(rows.map((r) => r.model))]
  for (const category of new Set(map.values())) {
    const inCategory = rows.filter((r) => map.get(r.category) === category)
    results[category] = models
      .map((model) => {
        const mine = inCategory.filter((r) => r.model === model)
        const side = (mode: string) => {
          const list = mine.filter((r) => r.mode === mode)
          if (list.length === 0) return undefined
          const ok = list.filter((r) => r.success)
          return {
            accuracy: list.filter((r) => r.is_correct).length / list.length,
            tokens:
              ok.length === 0 ? 0 : ok.reduce((a, r) => a + r.completion_tokens, 0) / ok.length,
            questions: list.length,
          }
        }
        const off = side('NR')
        if (off === undefined) return undefined
        const on = side('NR_REASONING')
        const decision = decideReasoning(off, on, rule)
        const chosen = decision.use && on ? on.accuracy : off.accuracy
        return {
          model,
          questions: off.questions,
          accuracy_off: round(off.accuracy, 4),
          accuracy_on: on ? round(on.accuracy, 4) : null,
          completion_tokens_off: round(off.tokens, 1),
          completion_tokens_on: on ? round(on.tokens, 1) : null,
          use_reasoning: decision.use,
          score: Math.max(0.01, round(chosen, 2)),
          why: decision.why,
        }
      })
      .filter((x): x is ModelCategoryResult => x !== undefined)
      .sort((a, b) => b.score - a.score || a.model.localeCompare(b.model))
  }
  const untouched = config.categories.map((c) => c.name).filter((n) => !(n in results))
  return { results, unmappedDatasetCategories: unmapped, categoriesWithoutData: untouched }
}

/**
 * Write the scores into the config text. Existing entries keep their other fields (lora_name,
 * reasoning_effort, reasoning_description); models the evaluation did not cover are kept after
 * the evaluated ones. The result is validated before it is returned.
 */
export function applyScores(
  text: string,
  results: Record<string, readonly ModelCategoryResult[]>,
): string {
  const doc: Document = parseDocument(text, { version: '1.1' })
  const categories = doc.get('categories')
  if (!isSeq(categories)) throw new Error('config has no categories list to update')
  for (const item of categories.items) {
    if (!isMap(item)) continue
    const name = item.get('name')
    if (typeof name !== 'string' || !(name in results)) continue
    const existing = item.get('model_scores')
    const old = new Map<string, Record<string, unknown>>()
    if (isSeq(existing)) {
      for (const e of existing.items) {
        if (!isMap(e)) continue
        const json = e.toJSON() as Record<string, unknown>
        if (typeof json['model'] === 'string') old.set(json['model'], json)
      }
    }
    const evaluated = results[name]!
    const scores = evaluated.map((r) => ({
      ...old.get(r.model),
      model: r.model,
      score: r.score,
      use_reasoning: r.use_reasoning,
    }))
    for (const [model, entry] of old)
      if (!evaluated.some((r) => r.model === model)) scores.push(entry as (typeof scores)[number])
    const node = doc.createNode(scores)
    for (const entry of node.items) if (isMap(entry)) entry.flow = true
    item.set('model_scores', node)
  }
  const out = doc.toString({ lineWidth: 0 })
  parseConfigText(out) // throws with every problem if the edit broke the config
  return out
}
