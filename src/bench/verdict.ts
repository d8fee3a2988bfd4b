/**
 * What a benchmark run means, in sentences a first reader can act on: the verdict (how close the
 * router comes to the best single model's accuracy, and at what share of its cost), how many
 * questions each per-category figure rests on, and what the routing figure measures.
 */
import type { ModeBlock, Summary } from './summary.js'
import type { ResultRow } from './types.js'

export interface Verdict {
  /** One sentence, e.g. "The router reaches 93.5% of the best single model's accuracy ...". */
  readonly text: string
  readonly routerAccuracy: number
  readonly best: { readonly run: string; readonly accuracy: number }
  /** Router accuracy / best accuracy. */
  readonly accuracyShare: number
  /** Router cost (or tokens, when unpriced) per question / the best run's. */
  readonly costShare: number
  readonly costBasis: 'cost' | 'tokens'
}

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`
const share = (v: number): string => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`

interface Run {
  readonly name: string
  readonly block: ModeBlock
}

function directRuns(summaries: readonly Summary[]): Run[] {
  return summaries.flatMap((s) =>
    Object.entries(s.by_mode)
      .filter(([mode]) => mode !== 'router')
      .map(([, block]) => ({
        name: `${s.target.replace(/^[a-z]+::/, '')}, ${block.mode_label.replace(/^Direct, /, '')}`,
        block,
      })),
  )
}

/** The router against the most accurate direct run (ties: the cheaper one). */
export function verdictOf(summaries: readonly Summary[]): Verdict | undefined {
  const router = summaries.flatMap((s) => (s.by_mode['router'] ? [s.by_mode['router']] : []))[0]
  const runs = directRuns(summaries)
  if (!router || runs.length === 0) return undefined
  const priced = router.cost.priced && runs.every((r) => r.block.cost.priced)
  const costOf = (b: ModeBlock): number => (priced ? b.cost.per_question : b.avg_total_tokens)
  const best = runs.reduce((a, b) =>
    b.block.accuracy > a.block.accuracy ||
    (b.block.accuracy === a.block.accuracy && costOf(b.block) < costOf(a.block))
      ? b
      : a,
  )
  const accuracyShare = best.block.accuracy === 0 ? 0 : router.accuracy / best.block.accuracy
  const bestCost = costOf(best.block)
  const costShare = bestCost === 0 ? 0 : costOf(router) / bestCost
  const measure = priced ? 'cost per question' : 'tokens per question (no prices configured)'
  const text =
    `The router reaches ${share(accuracyShare)} of the best single model's accuracy ` +
    `(${pct(router.accuracy)} vs ${pct(best.block.accuracy)} for ${best.name}) ` +
    `at ${share(costShare)} of its ${measure}.`
  return {
    text,
    routerAccuracy: router.accuracy,
    best: { run: best.name, accuracy: best.block.accuracy },
    accuracyShare,
    costShare,
    costBasis: priced ? 'cost' : 'tokens',
  }
}

/** How many questions each per-category figure rests on, and what one question is worth. */
export function sampleSizeNote(rows: readonly ResultRow[]): string {
  const counts = new Map<string, number>()
  for (const r of rows) counts.set(r.category, (counts.get(r.category) ?? 0) + 1)
  if (counts.size === 0) return ''
  const sizes = [...counts.values()]
  const min = Math.min(...sizes)
  const max = Math.max(...sizes)
  const plural = max === 1 ? 'question' : 'questions'
  const each = min === max ? `${min} ${plural} each` : `${min} to ${max} ${plural} each`
  return (
    `Per-category figures rest on ${each} (${rows.length} questions over ${counts.size} ` +
    `categories): one question moves a category's accuracy by ${(100 / min).toFixed(1)} points, ` +
    'so read the per-category bars as a sketch and the overall figures as the result. ' +
    'For firmer numbers run `semantic-router bench run` on a full dataset (docs/model-evaluation.md).'
  )
}

/** What the routing figure measures (and why it is not an error rate). */
export function routingNote(routingAccuracy: number, questions: number): string {
  return (
    `Routing ${pct(routingAccuracy)}: the share of the ${questions} questions the router's ` +
    'classifier put in the category the dataset files them under. It is not an error rate: ' +
    'neighbouring categories overlap (a nutrition question filed under health reads as biology; ' +
    'business and economics share questions), several categories send questions to the same ' +
    'model, and a question the classifier is unsure about goes to the default model on purpose. ' +
    'Whether a route was good shows in the accuracy figures.'
  )
}
