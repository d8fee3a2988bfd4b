/**
 * What the jailbreak trainer (train.ts) prints: with --report, on stderr, the out-of-fold recall at
 * a range of FPR bounds for three detector scores (with all views, without the sentence views, the
 * whole text only) and every out-of-fold error at the chosen operating point; always, on stdout,
 * one JSON line that summarises the run.
 */
import { shiftForBound, type Operating, type OperatingResult } from './operating-point.js'
import type { StackedScores } from './stacked-scores.js'

const REPORT_BOUNDS = [0.01, 0.015, 0.018, 0.02, 0.025, 0.03, 0.05]

/** The --report lines: recall at each FPR bound per detector score, then the errors, sorted. */
export function printReport(
  operating: Operating,
  { stacked, withoutSentences, wholeText }: StackedScores,
  chosen: OperatingResult,
): void {
  for (const [name, scores] of [
    ['with views', stacked],
    ['normalised views, no sentences', withoutSentences],
    ['text only', wholeText],
  ] as const)
    for (const fpr of REPORT_BOUNDS) {
      const sh = shiftForBound(operating, fpr, scores)
      const o = operating(sh, scores)
      console.error(
        `${name}: operating point FPR <= ${fpr}: recall ${o.recall.toFixed(4)} fpr ${o.fpr.toFixed(4)} shift ${sh.toFixed(2)}; old ${o.old.recall} / ${o.old.fpr}; twins ${o.twins.recall} / ${o.twins.fpr}`,
      )
    }
  for (const e of chosen.errors.sort()) console.error(e)
}

/** The run's summary line (stdout): data, settings, stacking, operating point, CV figures. */
export function printSummary(summary: {
  readonly out: string
  readonly vocab: number
  readonly examples: Record<string, number>
  readonly spec: object
  readonly options: object
  readonly convolution: object
  readonly a: readonly number[]
  readonly c: number
  readonly shift: number
  readonly auc: { readonly stacked: number; readonly wholeText: number; readonly parts: number[] }
  readonly cv: OperatingResult
  readonly pairsOrdered: number
  readonly started: number
}): void {
  const { a, c, shift, auc, cv, pairsOrdered } = summary
  console.log(
    JSON.stringify({
      out: summary.out,
      vocab: summary.vocab,
      examples: summary.examples,
      spec: summary.spec,
      options: summary.options,
      convolution: summary.convolution,
      platt: { a: a.map((x) => +x.toFixed(4)), c: +c.toFixed(4) },
      bias_shift: +shift.toFixed(2),
      cross_validated: {
        auc: +auc.stacked.toFixed(4),
        auc_whole_text: +auc.wholeText.toFixed(4),
        auc_window: +auc.parts[0]!.toFixed(4),
        auc_convolution: +auc.parts[1]!.toFixed(4),
        recall: +cv.recall.toFixed(4),
        fpr: +cv.fpr.toFixed(4),
        old_items: cv.old,
        ...(cv.twins.pairs > 0 ? { twins: cv.twins, twins_ordered: +pairsOrdered.toFixed(4) } : {}),
      },
      seconds: +((performance.now() - summary.started) / 1000).toFixed(1),
    }),
  )
}
