/** Runs the card evaluations; with `write`, updates the data cards and the recorded figures. */
import { join } from 'node:path'
import { writeBlock } from './data-card.js'
import { readRecorded, regressions, REPO_ROOT, writeRecorded } from './recorded.js'
import { CARD_EVALUATIONS } from './registry.js'
import type { CardEvaluation, CardReport } from './types.js'

export interface CardRun {
  readonly name: string
  readonly report: CardReport
  /** Figures below the recorded ones (empty when none, or when just written). */
  readonly regressions: readonly string[]
}

export async function runCardEvaluations(
  options: { write?: boolean; only?: readonly string[] } = {},
  evaluations: readonly CardEvaluation[] = CARD_EVALUATIONS,
): Promise<CardRun[]> {
  const recorded = readRecorded()
  const runs: CardRun[] = []
  for (const e of evaluations) {
    if (options.only && options.only.length > 0 && !options.only.includes(e.name)) continue
    const report = await e.run()
    if (options.write) {
      for (const card of e.dataCards) writeBlock(join(REPO_ROOT, card), e.name, report.markdown)
      recorded[e.name] = { ...report.figures }
    }
    runs.push({ name: e.name, report, regressions: regressions(e.name, report.figures, recorded) })
  }
  if (options.write) writeRecorded(recorded)
  return runs
}
