/**
 * The category classifier on its test split (src/eval/category-data.ts), two ways:
 *
 * - **model**: top-1 of the embedded model through the model loader, and the calibration error of
 *   its (temperature-scaled) confidence;
 * - **API**: the bundled config (config/config.yaml: keyword rules, then the model, then
 *   `category_model.threshold`) through `pipeline.classifyText`, the call behind
 *   /api/v1/classify/intent. A text counts as right only when its category is accepted for routing
 *   and correct; an answer under the threshold ("") counts as wrong.
 *
 * Plus the held-out file (category-heldout.tsv, never trained on) as a second check.
 */
import { join } from 'node:path'
import { loadRouterConfig } from '../../assembly/load-config.js'
import { buildRuntime } from '../../assembly/build-runtime.js'
import { silentLogger } from '../../log.js'
import { RouterMetrics } from '../../metrics/router-metrics.js'
import { EMBEDDED_MODELS } from '../../ml/embedded.js'
import { MMLU_PRO_CATEGORIES } from '../../ml/label-mapping.js'
import { CATEGORY_HELDOUT, classifyTexts, readLabelledTsv } from '../category.js'
import { loadCorpus } from '../category-data.js'
import { REPO_ROOT } from './recorded.js'
import type { CardEvaluation, CardReport } from './types.js'

interface Item {
  readonly text: string
  readonly label: string
  readonly kind: string
}

const pct = (ok: number, n: number): number => (n === 0 ? 0 : Math.round((1000 * ok) / n) / 10)

async function apiPredictions(items: readonly Item[]) {
  const loaded = await loadRouterConfig(join(REPO_ROOT, 'config', 'config.yaml'))
  const runtime = await buildRuntime(loaded, { log: silentLogger(), metrics: new RouterMetrics() })
  try {
    const out = []
    for (const item of items) out.push(await runtime.pipeline.classifyText(item.text))
    return { results: out, threshold: loaded.config.classifier.category_model.threshold }
  } finally {
    await runtime.close()
  }
}

/** Expected calibration error (10 bins), in points. */
function calibrationError(points: readonly { confidence: number; ok: boolean }[]): number {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, ok: 0 }))
  for (const p of points) {
    const b = bins[Math.min(9, Math.floor(p.confidence * 10))]!
    b.n++
    b.conf += p.confidence
    b.ok += p.ok ? 1 : 0
  }
  const ece = bins.reduce(
    (e, b) => e + (b.n === 0 ? 0 : Math.abs(b.ok - b.conf) / points.length),
    0,
  )
  return Math.round(1000 * ece) / 10
}

export async function evaluateCategoryCard(): Promise<CardReport> {
  const items: Item[] = loadCorpus()
    .rows.filter((r) => r.split === 'test')
    .map((r) => ({ text: r.text, label: MMLU_PRO_CATEGORIES[r.label]!, kind: r.kind }))
  const heldout = readLabelledTsv(CATEGORY_HELDOUT).map((r) => ({ ...r }))
  const model = await classifyTexts(
    EMBEDDED_MODELS.category,
    [...items, ...heldout].map((i) => i.text),
  )
  const api = await apiPredictions(items)
  const figures: Record<string, number> = {}
  const rows: string[] = []
  for (const kind of ['exam', 'everyday']) {
    const idx = items.map((it, i) => (it.kind === kind ? i : -1)).filter((i) => i >= 0)
    const top1 = idx.filter((i) => model[i]!.top === items[i]!.label).length
    const viaApi = idx.filter((i) => api.results[i]!.category === items[i]!.label).length
    const under = idx.filter((i) => !api.results[i]!.accepted).length
    figures[`${kind}_top1`] = pct(top1, idx.length)
    figures[`${kind}_api`] = pct(viaApi, idx.length)
    rows.push(
      `| ${kind} | ${idx.length} | ${pct(top1, idx.length)} % | **${pct(viaApi, idx.length)} %** | ${pct(under, idx.length)} % |`,
    )
  }
  const ece = calibrationError(
    items.map((it, i) => ({ confidence: model[i]!.confidence, ok: model[i]!.top === it.label })),
  )
  figures['calibration'] = Math.round(10 * (100 - ece)) / 10
  const held = heldout.map((h, j) => model[items.length + j]!.top === h.label)
  figures['heldout_top1'] = pct(held.filter(Boolean).length, held.length)
  const perCategory = MMLU_PRO_CATEGORIES.map((c) => {
    const idx = items.map((it, i) => (it.label === c ? i : -1)).filter((i) => i >= 0)
    return `${c} ${pct(idx.filter((i) => model[i]!.top === c).length, idx.length)}`
  })
  const markdown = [
    `Test split (${items.length} texts; never trained or tuned on), bundled \`config/config.yaml\` (threshold ${api.threshold}):`,
    '',
    '| kind | texts | model top-1 | through the API | under the threshold |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `"Through the API" counts a text right only when the category routing uses is correct; an answer under the threshold counts as wrong. Expected calibration error of the confidence (10 bins): ${ece} points. Held-out file (category-heldout.tsv, ${held.length} texts): ${figures['heldout_top1']} % top-1.`,
    '',
    `Per category (test top-1, %): ${perCategory.join(', ')}.`,
  ].join('\n')
  return { figures, markdown }
}

export const categoryCard: CardEvaluation = {
  name: 'category',
  dataCards: ['training/category/DATA_CARD.md', 'models/category-classifier/README.md'],
  run: evaluateCategoryCard,
}
