/**
 * Category accuracy on the project's held-out set (training/data/category-heldout.tsv: MMLU-style
 * questions and everyday chat requests, written before the training data), through the same loader
 * and worker the router uses. `semantic-router eval category [--model <folder>]`.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { EMBEDDED_MODELS } from '../ml/embedded.js'
import { readModelFolder } from '../ml/folder.js'
import { LoadedModel, toClassification, type Classification } from '../ml/model.js'
import { readQuestionView, viewedDistribution, viewTexts } from '../classify/model/question-view.js'
import type { SequenceResult } from '../ml/worker/protocol.js'

export const CATEGORY_HELDOUT = join(
  import.meta.dirname,
  '..',
  '..',
  'training',
  'data',
  'category-heldout.tsv',
)

export interface CategoryReport {
  readonly model: string
  readonly examples: number
  readonly top1_accuracy: number
  readonly by_kind: Record<string, number>
  readonly by_category: Record<string, { accuracy: number; correct: number; total: number }>
  readonly errors: readonly string[]
}

export function readLabelledTsv(file: string): { label: string; kind: string; text: string }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const [label, kind, text] = l.split('\t')
      return { label: label!, kind: kind!, text: text! }
    })
}

/**
 * A category model folder's classification of each text, through the runtime's loader (with the
 * question view when the folder declares one, as the router's classifier does).
 */
export async function classifyTexts(
  modelDir: string,
  texts: readonly string[],
): Promise<Classification[]> {
  const folder = readModelFolder(modelDir)
  const labels = folder.labels ?? []
  const model = await LoadedModel.load({
    folder,
    task: 'sequence-classification',
    labels,
    longInput: 'truncate',
  })
  const view = readQuestionView(modelDir)
  try {
    return await Promise.all(
      texts.map(async (t) => {
        const runs = (await model.run(viewTexts(t, view))) as SequenceResult[]
        const probabilities = viewedDistribution(
          runs.map((r) => r.probabilities),
          runs.length,
          view,
        )
        return toClassification(labels, { ...runs[0]!, probabilities })
      }),
    )
  } finally {
    await model.close()
  }
}

export async function evaluateCategory(
  modelDir = EMBEDDED_MODELS.category,
  data = CATEGORY_HELDOUT,
): Promise<CategoryReport> {
  const rows = readLabelledTsv(data)
  const predictions = await classifyTexts(
    modelDir,
    rows.map((r) => r.text),
  )
  const tally = new Map<string, { n: number; ok: number }>()
  const bump = (key: string, ok: boolean): void => {
    const t = tally.get(key) ?? { n: 0, ok: 0 }
    t.n++
    t.ok += ok ? 1 : 0
    tally.set(key, t)
  }
  const errors: string[] = []
  rows.forEach((r, i) => {
    const c = predictions[i]!
    const ok = c.top === r.label
    bump('all', ok)
    bump(`kind:${r.kind}`, ok)
    bump(`category:${r.label}`, ok)
    if (!ok) errors.push(`${r.label} → ${c.top} (${c.confidence.toFixed(2)}) [${r.kind}] ${r.text}`)
  })
  const pct = (t: { n: number; ok: number }): number => +((100 * t.ok) / t.n).toFixed(1)
  const pick = (prefix: string) =>
    [...tally].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1))
  return {
    model: modelDir,
    examples: rows.length,
    top1_accuracy: pct(tally.get('all')!),
    by_kind: Object.fromEntries(pick('kind:').map(([k, t]) => [k.slice(5), pct(t)])),
    by_category: Object.fromEntries(
      pick('category:').map(([k, t]) => [
        k.slice(9),
        { accuracy: pct(t), correct: t.ok, total: t.n },
      ]),
    ),
    errors,
  }
}

export function formatCategoryReport(r: CategoryReport, showErrors = false): string {
  const lines = [
    `category top-1 on ${r.examples} held-out examples (${r.model}): ${r.top1_accuracy}%`,
  ]
  for (const [k, v] of Object.entries(r.by_kind)) lines.push(`  ${k.padEnd(18)} ${v}%`)
  for (const [k, v] of Object.entries(r.by_category))
    lines.push(`  ${k.padEnd(18)} ${String(v.accuracy).padStart(5)}%  (${v.correct}/${v.total})`)
  if (showErrors) for (const e of r.errors) lines.push(`  ✗ ${e}`)
  return lines.join('\n')
}
