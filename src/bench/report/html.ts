/**
 * The self-contained HTML report: one file, inline CSS and SVG, no scripts and no network, so it
 * opens anywhere (and in CI's headless Chromium). Sections: overview table, accuracy by category per
 * mode, tokens, latency, accuracy versus cost, reasoning-mode evaluation, per-model success and
 * errors.
 */
import type { GroupMetrics, ModeBlock, Summary } from '../summary.js'
import { esc, groupedBars, scatter, type Point, type Series } from './svg.js'
import { tradeoffSection, type TradeoffReport } from './tradeoff.js'

export interface ReportInput {
  readonly title: string
  readonly dataset: string
  readonly generatedAt: string
  /** True when any endpoint is the simulator: the report says so at the top. */
  readonly simulated: boolean
  /** One sentence comparing the router with the best single model (when both ran). */
  readonly verdict?: string
  readonly notes: readonly string[]
  readonly summaries: readonly Summary[]
  /** The trade-off sweep (bench/selection/tradeoff.ts), rendered first when present. */
  readonly tradeoff?: TradeoffReport
}

interface Line {
  readonly name: string
  readonly summary: Summary
  readonly block: ModeBlock
}

function lines(summaries: readonly Summary[]): Line[] {
  return summaries.flatMap((summary) =>
    Object.values(summary.by_mode).map((block) => ({
      name: `${summary.target} · ${block.mode_label}`,
      summary,
      block,
    })),
  )
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`
const num = (v: number, d = 2) => v.toFixed(d)

function money(g: GroupMetrics, perQuestion = false): string {
  if (!g.cost.priced) return '—'
  const v = perQuestion ? g.cost.per_question : g.cost.total
  return `${v.toPrecision(3)} ${esc(g.cost.currency)}`
}

function overview(all: readonly Line[]): string {
  const head = [
    'Run',
    'Questions',
    'Accuracy',
    'Success',
    'p50 s',
    'p90 s',
    'p99 s',
    'Prompt tok',
    'Completion tok',
    'Compl/prompt',
    'ms/token',
    'Cost',
    'Cost/question',
  ]
  const rows = all.map(({ name, block: g }) =>
    [
      esc(name),
      g.questions,
      pct(g.accuracy),
      pct(g.questions === 0 ? 0 : g.successful / g.questions),
      num(g.latency.p50),
      num(g.latency.p90),
      num(g.latency.p99),
      num(g.avg_prompt_tokens, 1),
      num(g.avg_completion_tokens, 1),
      num(g.tokens.completion_prompt_ratio),
      num(g.time_per_output_token_ms.mean),
      money(g),
      money(g, true),
    ]
      .map((c) => `<td>${c}</td>`)
      .join(''),
  )
  return table('overview', head, rows)
}

function table(id: string, head: readonly string[], rows: readonly string[]): string {
  return `<table id="${id}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r}</tr>`).join('')}</tbody></table>`
}

function accuracyByCategory(all: readonly Line[]): string {
  const categories = [...new Set(all.flatMap((l) => Object.keys(l.block.category_metrics)))].sort()
  const series: Series[] = all.map((l) => ({
    name: l.name,
    values: categories.map((c) => l.block.category_metrics[c]?.accuracy ?? null),
  }))
  return groupedBars({
    id: 'chart-accuracy',
    title: 'Accuracy by category and mode',
    labels: categories,
    series,
    max: 1,
    format: pct,
  })
}

function tokens(all: readonly Line[]): string {
  const labels = all.map((l) => l.name)
  return groupedBars({
    id: 'chart-tokens',
    title: 'Average tokens per question',
    labels,
    series: [
      { name: 'prompt', values: all.map((l) => l.block.avg_prompt_tokens) },
      { name: 'completion', values: all.map((l) => l.block.avg_completion_tokens) },
    ],
    format: (v) => v.toFixed(0),
  })
}

function latency(all: readonly Line[]): string {
  return groupedBars({
    id: 'chart-latency',
    title: 'Response time (seconds)',
    labels: all.map((l) => l.name),
    series: [
      { name: 'p50', values: all.map((l) => l.block.latency.p50) },
      { name: 'p90', values: all.map((l) => l.block.latency.p90) },
      { name: 'p99', values: all.map((l) => l.block.latency.p99) },
    ],
    format: (v) => v.toFixed(3),
  })
}

function accuracyVsCost(all: readonly Line[]): string {
  const priced = all.every((l) => l.block.cost.priced)
  const points: Point[] = all.map((l) => ({
    name: l.name,
    x: priced ? l.block.cost.per_question : l.block.avg_total_tokens,
    y: l.block.accuracy,
  }))
  const xLabel = priced
    ? `cost per question (${all[0]?.block.cost.currency ?? 'USD'})`
    : 'tokens per question (no pricing configured)'
  return scatter({
    id: 'chart-cost',
    title: 'Accuracy versus cost',
    xLabel,
    yLabel: 'accuracy',
    points,
    yMax: 1,
  })
}

function reasoningSection(summaries: readonly Summary[]): string {
  const evaluated = summaries.filter((s) => s.reasoning_evaluation !== null)
  if (evaluated.length === 0) {
    return '<p>No run had both reasoning off (NR) and on (NR_REASONING) for the same model; run a direct model with <code>--vllm-exec-modes NR,NR_REASONING</code> to compare.</p>'
  }
  return evaluated
    .map((s) => {
      const e = s.reasoning_evaluation!
      const head = [
        '',
        'Accuracy',
        'Completion/prompt tokens',
        'ms per output token',
        'Avg completion tokens',
        'Avg response s',
      ]
      const side = (name: string, v: typeof e.standard) =>
        [
          name,
          pct(v.accuracy),
          num(v.completion_prompt_ratio),
          num(v.time_per_output_token_ms),
          num(v.avg_completion_tokens, 1),
          num(v.avg_response_time, 3),
        ]
          .map((c) => `<td>${c}</td>`)
          .join('')
      const categories = Object.keys(e.by_category).sort()
      const chart = groupedBars({
        id: `chart-reasoning-${s.target.replace(/[^a-z0-9]+/gi, '-')}`,
        title: `${s.target}: accuracy by category, standard versus reasoning`,
        labels: categories,
        series: [
          {
            name: 'standard (reasoning off)',
            values: categories.map((c) => e.by_category[c]!.standard_accuracy),
          },
          {
            name: 'reasoning on',
            values: categories.map((c) => e.by_category[c]!.reasoning_accuracy),
          },
        ],
        max: 1,
        format: pct,
      })
      return `<h3>${esc(s.target)}</h3>${table(`reasoning-${esc(s.target)}`, head, [side('Standard', e.standard), side('Reasoning', e.reasoning)])}<p class="flips">${e.questions} questions: accuracy ${e.accuracy_gain >= 0 ? '+' : ''}${(e.accuracy_gain * 100).toFixed(1)} points with reasoning; ${e.improved} fixed, ${e.regressed} broken, ${e.both_correct} right both ways, ${e.both_wrong} wrong both ways.</p>${chart}`
    })
    .join('')
}

function modelsAndErrors(summaries: readonly Summary[]): string {
  const rows = summaries.flatMap((s) =>
    Object.entries(s.per_model).map(([model, m]) =>
      [
        esc(s.target),
        esc(model),
        m.requests,
        pct(m.success_rate),
        pct(m.accuracy),
        num(m.latency.p50, 3),
        esc(
          Object.entries(m.errors)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ') || '—',
        ),
      ]
        .map((c) => `<td>${c}</td>`)
        .join(''),
    ),
  )
  return table(
    'models',
    ['Run', 'Model (as answered)', 'Requests', 'Success', 'Accuracy', 'p50 s', 'Errors'],
    rows,
  )
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;color:#111;max-width:1200px}
h1{margin-bottom:.2rem}table{border-collapse:collapse;margin:1rem 0;font-size:13px}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}
thead{background:#f3f4f6}.banner{background:#fef3c7;border:1px solid #f59e0b;padding:.6rem 1rem;margin:1rem 0;font-weight:600}
.verdict{font-size:1.15rem;background:#ecfdf5;border:1px solid #10b981;padding:.6rem 1rem}
figure.chart{margin:1.5rem 0}figcaption{font-weight:600;margin-bottom:.4rem}.meta{color:#555}`

export function renderReport(input: ReportInput): string {
  const all = lines(input.summaries)
  const interrupted = input.summaries.some((s) => s.interrupted)
  const banner = input.simulated
    ? '<div class="banner" id="simulated-banner">SIMULATED MODELS: answers come from the semantic-router simulator with configured accuracies. These figures show the benchmark, not real model quality.</div>'
    : ''
  const partial = interrupted
    ? '<div class="banner" id="interrupted-banner">This run was interrupted: figures cover the questions answered before it stopped.</div>'
    : ''
  const verdict =
    input.verdict === undefined
      ? ''
      : `<p class="verdict" id="verdict"><strong>Verdict${input.simulated ? ' (simulated models)' : ''}:</strong> ${esc(input.verdict)}</p>`
  const notes =
    input.notes.length > 0
      ? `<ul>${input.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`
      : ''
  const sweep = input.tradeoff ? tradeoffSection(input.tradeoff) : ''
  const body =
    all.length === 0
      ? sweep === ''
        ? '<p>No results.</p>'
        : sweep
      : `<h2>Overview</h2>${overview(all)}<h2>Accuracy</h2>${accuracyByCategory(all)}<h2>Tokens</h2>${tokens(all)}<h2>Latency</h2>${latency(all)}<h2>Accuracy versus cost</h2>${accuracyVsCost(all)}<h2>Reasoning mode evaluation</h2>${reasoningSection(input.summaries)}<h2>Models and errors</h2>${modelsAndErrors(input.summaries)}`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(input.title)}</title><style>${STYLE}</style></head>
<body><h1>${esc(input.title)}</h1><p class="meta">Dataset: ${esc(input.dataset)} · generated ${esc(input.generatedAt)} by semantic-router bench</p>
${banner}${partial}${verdict}${notes}${body}
<p class="meta">Accuracy counts failed requests as wrong. Latency and tokens are over successful requests. Definitions: docs/model-evaluation.md.</p>
</body></html>
`
}
