/**
 * summary.json for one target: upstream's fields (overall_accuracy, category_metrics, avg_*,
 * total/successful/failed, by_mode) plus latency percentiles, token ratios, time per output token,
 * per-model success, error and latency distributions, cost, and the reasoning-mode comparison.
 *
 * Definitions (docs/model-evaluation.md repeats them): accuracy = correct / questions asked, so a
 * failed request counts as wrong; averages, latency and token figures are over successful requests;
 * completion/prompt ratio = Σ completion tokens / Σ prompt tokens; time per output token =
 * (response time − time to first token, when known) / completion tokens, averaged per request.
 */
import { distribution, histogram, mean, ratio, round, type Distribution } from './stats.js'
import type { PricingTable, ResultRow } from './types.js'

export interface GroupMetrics {
  questions: number
  successful: number
  failed: number
  correct: number
  accuracy: number
  accuracy_of_successful: number
  avg_response_time: number
  avg_prompt_tokens: number
  avg_completion_tokens: number
  avg_total_tokens: number
  latency: Distribution
  tokens: {
    prompt: number
    completion: number
    total: number
    reasoning: number
    completion_prompt_ratio: number
  }
  time_per_output_token_ms: Distribution
  cost: { currency: string; total: number; per_question: number; priced: boolean }
}

export function costOfRow(row: ResultRow, pricing: PricingTable): number | undefined {
  const price = pricing[row.selected_model || row.model]
  if (!price) return undefined
  return (
    (row.prompt_tokens * price.prompt_per_1m + row.completion_tokens * price.completion_per_1m) /
    1e6
  )
}

function tpotMs(row: ResultRow): number | undefined {
  if (!row.success || row.completion_tokens <= 0) return undefined
  const generation = row.ttft === null ? row.response_time : row.response_time - row.ttft
  const tokens = row.ttft === null ? row.completion_tokens : Math.max(1, row.completion_tokens - 1)
  return (generation / tokens) * 1000
}

export function groupMetrics(rows: readonly ResultRow[], pricing: PricingTable): GroupMetrics {
  const ok = rows.filter((r) => r.success)
  const correct = rows.filter((r) => r.is_correct).length
  const sum = (key: 'prompt_tokens' | 'completion_tokens' | 'total_tokens' | 'reasoning_tokens') =>
    ok.reduce((a, r) => a + r[key], 0)
  const costs = rows.map((r) => costOfRow(r, pricing))
  const priced = costs.some((c) => c !== undefined)
  const totalCost = costs.reduce<number>((a, c) => a + (c ?? 0), 0)
  const currencies = new Set(Object.values(pricing).map((p) => p.currency))
  return {
    questions: rows.length,
    successful: ok.length,
    failed: rows.length - ok.length,
    correct,
    accuracy: ratio(correct, rows.length),
    accuracy_of_successful: ratio(correct, ok.length),
    avg_response_time: round(mean(ok.map((r) => r.response_time))),
    avg_prompt_tokens: round(mean(ok.map((r) => r.prompt_tokens))),
    avg_completion_tokens: round(mean(ok.map((r) => r.completion_tokens))),
    avg_total_tokens: round(mean(ok.map((r) => r.total_tokens))),
    latency: distribution(ok.map((r) => r.response_time)),
    tokens: {
      prompt: sum('prompt_tokens'),
      completion: sum('completion_tokens'),
      total: sum('total_tokens'),
      reasoning: sum('reasoning_tokens'),
      completion_prompt_ratio: ratio(sum('completion_tokens'), sum('prompt_tokens')),
    },
    time_per_output_token_ms: distribution(
      ok.map(tpotMs).filter((v): v is number => v !== undefined),
    ),
    cost: {
      currency:
        currencies.size === 1 ? [...currencies][0]! : currencies.size === 0 ? 'USD' : 'mixed',
      total: round(totalCost, 8),
      per_question: rows.length === 0 ? 0 : round(totalCost / rows.length, 8),
      priced,
    },
  }
}

function groupBy<K extends string>(rows: readonly ResultRow[], key: (r: ResultRow) => K) {
  const out = new Map<K, ResultRow[]>()
  for (const r of rows) {
    const k = key(r)
    const list = out.get(k) ?? []
    list.push(r)
    out.set(k, list)
  }
  return out
}

function categoryMetrics(rows: readonly ResultRow[], pricing: PricingTable) {
  const out: Record<string, GroupMetrics> = {}
  for (const [cat, list] of [...groupBy(rows, (r) => r.category)].sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    out[cat] = groupMetrics(list, pricing)
  }
  return out
}

/** Standard versus reasoning mode on the same questions (NR vs NR_REASONING). */
export interface ReasoningComparison {
  questions: number
  standard: {
    accuracy: number
    completion_prompt_ratio: number
    time_per_output_token_ms: number
    avg_completion_tokens: number
    avg_response_time: number
  }
  reasoning: ReasoningComparison['standard']
  accuracy_gain: number
  both_correct: number
  improved: number
  regressed: number
  both_wrong: number
  by_category: Record<
    string,
    {
      questions: number
      standard_accuracy: number
      reasoning_accuracy: number
      token_ratio: number
    }
  >
}

export function compareReasoning(
  rows: readonly ResultRow[],
  off = 'NR',
  on = 'NR_REASONING',
): ReasoningComparison | undefined {
  const offRows = new Map(rows.filter((r) => r.mode === off).map((r) => [r.question_id, r]))
  const pairs = rows
    .filter((r) => r.mode === on && offRows.has(r.question_id))
    .map((r) => [offRows.get(r.question_id)!, r] as const)
  if (pairs.length === 0) return undefined
  const side = (list: readonly ResultRow[]) => {
    const g = groupMetrics(list, {})
    return {
      accuracy: g.accuracy,
      completion_prompt_ratio: g.tokens.completion_prompt_ratio,
      time_per_output_token_ms: g.time_per_output_token_ms.mean,
      avg_completion_tokens: g.avg_completion_tokens,
      avg_response_time: g.avg_response_time,
    }
  }
  const standard = side(pairs.map(([a]) => a))
  const reasoning = side(pairs.map(([, b]) => b))
  const count = (f: (a: ResultRow, b: ResultRow) => boolean) =>
    pairs.filter(([a, b]) => f(a, b)).length
  const byCategory: ReasoningComparison['by_category'] = {}
  for (const [cat, list] of groupBy(
    pairs.map(([a]) => a),
    (r) => r.category,
  )) {
    const ids = new Set(list.map((r) => r.question_id))
    const catPairs = pairs.filter(([a]) => ids.has(a.question_id))
    const s = groupMetrics(
      catPairs.map(([a]) => a),
      {},
    )
    const r = groupMetrics(
      catPairs.map(([, b]) => b),
      {},
    )
    byCategory[cat] = {
      questions: catPairs.length,
      standard_accuracy: s.accuracy,
      reasoning_accuracy: r.accuracy,
      token_ratio: ratio(r.tokens.completion, s.tokens.completion),
    }
  }
  return {
    questions: pairs.length,
    standard,
    reasoning,
    accuracy_gain: round(reasoning.accuracy - standard.accuracy),
    both_correct: count((a, b) => a.is_correct && b.is_correct),
    improved: count((a, b) => !a.is_correct && b.is_correct),
    regressed: count((a, b) => a.is_correct && !b.is_correct),
    both_wrong: count((a, b) => !a.is_correct && !b.is_correct),
    by_category: byCategory,
  }
}

export type ModeBlock = GroupMetrics & {
  mode_label: string
  category_metrics: Record<string, GroupMetrics>
}

export interface ModelBlock {
  requests: number
  successful: number
  failed: number
  success_rate: number
  accuracy: number
  latency: Distribution
  errors: Record<string, number>
}

/** Failed requests by error kind (the part of `error` before the first colon). */
export function errorCounts(rows: readonly ResultRow[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const r of rows) {
    if (r.success) continue
    const kind = r.error.split(':')[0] || 'unknown'
    out[kind] = (out[kind] ?? 0) + 1
  }
  return out
}

export interface SummaryContext {
  target: string
  kind: 'router' | 'direct'
  endpoint: string
  model: string
  dataset: string
  pricing: PricingTable
  startedAt: string
  finishedAt: string
  interrupted: boolean
  settings: Record<string, unknown>
}

export function buildSummary(rows: readonly ResultRow[], ctx: SummaryContext) {
  const all = groupMetrics(rows, ctx.pricing)
  const byMode: Record<string, ModeBlock> = {}
  for (const [mode, list] of groupBy(rows, (r) => r.mode)) {
    byMode[mode] = {
      mode_label: list[0]!.mode_label,
      ...groupMetrics(list, ctx.pricing),
      category_metrics: categoryMetrics(list, ctx.pricing),
    }
  }
  const perModel: Record<string, ModelBlock> = {}
  for (const [model, list] of groupBy(rows, (r) => r.selected_model || r.model)) {
    const g = groupMetrics(list, ctx.pricing)
    perModel[model] = {
      requests: g.questions,
      successful: g.successful,
      failed: g.failed,
      success_rate: ratio(g.successful, g.questions),
      accuracy: g.accuracy,
      latency: g.latency,
      errors: errorCounts(list),
    }
  }
  return {
    // upstream's fields
    model: ctx.model,
    dataset: ctx.dataset,
    overall_accuracy: all.accuracy,
    category_metrics: categoryMetrics(rows, ctx.pricing),
    avg_response_time: all.avg_response_time,
    avg_prompt_tokens: all.avg_prompt_tokens,
    avg_completion_tokens: all.avg_completion_tokens,
    avg_total_tokens: all.avg_total_tokens,
    total_questions: all.questions,
    successful_queries: all.successful,
    failed_queries: all.failed,
    by_mode: byMode,
    // ours
    target: ctx.target,
    kind: ctx.kind,
    endpoint: ctx.endpoint,
    latency: all.latency,
    latency_distribution: histogram(rows.filter((r) => r.success).map((r) => r.response_time)),
    tokens: all.tokens,
    time_per_output_token_ms: all.time_per_output_token_ms,
    per_model: perModel,
    error_distribution: errorCounts(rows),
    cost: all.cost,
    reasoning_evaluation: compareReasoning(rows) ?? null,
    started_at: ctx.startedAt,
    finished_at: ctx.finishedAt,
    interrupted: ctx.interrupted,
    settings: ctx.settings,
  }
}

export type Summary = ReturnType<typeof buildSummary>
