/** The figures each evaluation last recorded (training/eval-recorded.json). */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..')
export const RECORDED_FILE = join(REPO_ROOT, 'training', 'eval-recorded.json')

export type Recorded = Record<string, Record<string, number>>

export function readRecorded(file = RECORDED_FILE): Recorded {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Recorded) : {}
}

export function writeRecorded(recorded: Recorded, file = RECORDED_FILE): void {
  const sorted = Object.fromEntries(Object.entries(recorded).sort(([a], [b]) => (a < b ? -1 : 1)))
  writeFileSync(file, `${JSON.stringify(sorted, null, 2)}\n`)
}

/** Figures below their recorded value by more than `tolerance` (points), as messages. */
export function regressions(
  name: string,
  figures: Readonly<Record<string, number>>,
  recorded: Recorded,
  tolerance = 0.5,
): string[] {
  const want = recorded[name] ?? {}
  return Object.entries(want)
    .filter(([figure, value]) => !((figures[figure] ?? -Infinity) >= value - tolerance))
    .map(
      ([figure, value]) => `${name}.${figure}: ${figures[figure] ?? 'missing'} < recorded ${value}`,
    )
}
