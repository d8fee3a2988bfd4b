/**
 * Cross-validation of the category classifier exactly as training/category/train.ts fits it
 * (fit.ts): the written train + dev texts (exam-style and everyday; the test split is never read)
 * are cut into folds by a hash of the text; for each fold the model is trained on the other folds
 * (plus the earlier hand-written set, topic vocabulary and WordNet rows, which are train-only), and
 * the held-out fold plays the dev split's part — it fits the temperatures, the question view's
 * combination and the routing threshold, and is scored as the router scores it. Everyday texts
 * are also reported by origin: the ones there before the seventh session (`category/`, the column
 * every decision since then was made on) and the second writer's (`category-voices/`).
 */
import { hashString } from '../../src/seeded-random.js'
import { unitHash } from '../../src/eval/splits.js'
import type { Row } from '../../src/eval/category-data.js'
import type { WordVectors } from '../lib/word-vectors.js'
import { fitCategory, type FitArgs } from './fit.js'

export interface CvOptions {
  readonly folds: number
  /** 0: FNV-1a of the text mod `folds` (the folds of every decision since the sixth session). */
  readonly foldSeed: number
  /** Which folds to run (default all). */
  readonly only?: readonly number[]
  /** Keep this fraction of the corpus rows (by a hash of the text; 1 = all) — for quick checks. */
  readonly subset?: number
}

/** accepted-and-right and top-1 counts of one group of held-out texts. */
export interface Cell {
  readonly n: number
  readonly top1: number
  readonly accepted: number
}

export const GROUPS = ['exam', 'everyday', 'everyday-pre-session', 'everyday-voices'] as const
export type Group = (typeof GROUPS)[number]

export interface FoldResult {
  readonly fold: number
  readonly train: number
  readonly heldOut: number
  readonly temperature: number
  readonly threshold: number
  readonly cells: Readonly<Record<Group, Cell>>
}

export interface CvResult {
  readonly options: CvOptions
  readonly args: FitArgs
  readonly folds: readonly FoldResult[]
  /** Per group: mean over folds of the fold percentages (accepted and right, top-1). */
  readonly mean: Readonly<Record<Group, { readonly accepted: number; readonly top1: number }>>
}

export function foldOf(text: string, folds: number, foldSeed: number): number {
  return foldSeed === 0
    ? hashString(text) % folds
    : Math.floor(unitHash(text, `cv-${foldSeed}`) * folds)
}

const groupsOf = (r: Pick<Row, 'kind' | 'source'>): Group[] =>
  r.kind === 'exam'
    ? ['exam']
    : r.kind === 'everyday'
      ? [
          'everyday',
          r.source.startsWith('category-voices/') ? 'everyday-voices' : 'everyday-pre-session',
        ]
      : []

export async function crossValidate(
  wv: WordVectors,
  corpus: readonly Row[],
  args: FitArgs,
  options: CvOptions,
): Promise<CvResult> {
  const subset = options.subset ?? 1
  const kept = corpus.filter(
    (r) => r.split !== 'test' && (subset >= 1 || unitHash(r.text, 'cv-subset') < subset),
  )
  const only = options.only ?? Array.from({ length: options.folds }, (_, f) => f)
  const folds: FoldResult[] = []
  for (const fold of only) {
    if (!Number.isInteger(fold) || fold < 0 || fold >= options.folds)
      throw new Error(`fold ${fold} is not in 0..${options.folds - 1}`)
    const rows = kept.map((r) => ({
      ...r,
      split:
        r.kind !== 'legacy' && foldOf(r.text, options.folds, options.foldSeed) === fold
          ? 'dev'
          : 'train',
    }))
    const fitted = await fitCategory(wv, rows, args)
    const heldOut = rows.filter((r) => r.split === 'dev')
    const scored = fitted.combined('dev')
    const cells = Object.fromEntries(GROUPS.map((g) => [g, { n: 0, top1: 0, accepted: 0 }])) as {
      -readonly [G in Group]: { n: number; top1: number; accepted: number }
    }
    heldOut.forEach((r, i) => {
      const s = scored[i]!
      const right = s.top === s.label
      const accepted = right && s.confidence(fitted.temperature) >= fitted.threshold
      for (const g of groupsOf(r)) {
        cells[g].n++
        if (right) cells[g].top1++
        if (accepted) cells[g].accepted++
      }
    })
    folds.push({
      fold,
      train: rows.length - heldOut.length,
      heldOut: heldOut.length,
      temperature: +fitted.temperature.toFixed(4),
      threshold: fitted.threshold,
      cells,
    })
  }
  const pct = (a: number, n: number) => (n === 0 ? 0 : (100 * a) / n)
  const mean = Object.fromEntries(
    GROUPS.map((g) => {
      const avg = (f: (c: Cell) => number) =>
        +(folds.reduce((s, r) => s + f(r.cells[g]), 0) / Math.max(1, folds.length)).toFixed(2)
      return [
        g,
        {
          accepted: avg((c) => pct(c.accepted, c.n)),
          top1: avg((c) => pct(c.top1, c.n)),
        },
      ]
    }),
  ) as CvResult['mean']
  return { options, args, folds, mean }
}

/** The fold table as markdown: accepted and right % (top-1 %) per group, threshold per fold. */
export function foldTable(result: CvResult): string {
  const pct = (a: number, n: number) => (n === 0 ? '—' : ((100 * a) / n).toFixed(1))
  const lines = [
    `| fold | threshold | ${GROUPS.map((g) => `${g} acc. (top-1), n`).join(' | ')} |`,
    `| --- | ---: | ${GROUPS.map(() => '---:').join(' | ')} |`,
  ]
  for (const f of result.folds)
    lines.push(
      `| ${f.fold} | ${f.threshold.toFixed(2)} | ${GROUPS.map((g) => {
        const c = f.cells[g]
        return `${pct(c.accepted, c.n)} (${pct(c.top1, c.n)}), ${c.n}`
      }).join(' | ')} |`,
    )
  lines.push(
    `| mean | | ${GROUPS.map((g) => `**${result.mean[g].accepted.toFixed(2)}** (${result.mean[g].top1.toFixed(2)})`).join(' | ')} |`,
  )
  return lines.join('\n')
}
