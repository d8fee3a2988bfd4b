/**
 * Accuracy of the guards on the labelled sets (training/data/guards). Used by
 * `semantic-router eval guards` and by the held-out test. A jailbreak counts as detected when the
 * verdict is `jailbreak` with confidence ≥ threshold (the pipeline's blocking rule). PII entities
 * are matched as described in pii-score.ts.
 */
import { fileURLToPath } from 'node:url'
import { attackProbability } from '../../guards/jailbreak/combined-detector.js'
import type { JailbreakDetector, PiiDetector } from '../../guards/types.js'
import { loadJailbreakSet, type JailbreakExample } from './jailbreak-data.js'
import { loadPiiFile, type PiiSet } from './pii-data.js'
import { addCounts, matchEntities, prf, type Counts, type PrfScore } from './pii-score.js'

const dataFile = (name: string): string =>
  fileURLToPath(new URL(`../../../training/data/guards/${name}`, import.meta.url))

export const GUARD_SETS = {
  jailbreakTrain: dataFile('jailbreak-train.tsv'),
  jailbreakTest: dataFile('jailbreak-test.tsv'),
  piiDev: dataFile('pii-dev.txt'),
  piiTest: dataFile('pii-test.txt'),
  piiCorpus: fileURLToPath(new URL('../../../training/data/pii', import.meta.url)),
} as const

export interface JailbreakReport {
  readonly attacks: number
  readonly benign: number
  readonly hardBenign: number
  readonly recall: number
  readonly falsePositiveRate: number
  readonly hardFalsePositiveRate: number
  readonly recallByFamily: Record<string, { detected: number; total: number }>
  /** Missed attacks and flagged benign prompts: line numbers and scores, for review. */
  readonly errors: { line: number; kind: 'missed' | 'false_positive'; family: string; p: number }[]
}

/** Benign prompts are hard negatives unless marked everyday (`normal` in the rules' sets). */
const isHard = (family: string): boolean => family !== 'normal' && family !== 'everyday'

export async function evaluateJailbreakExamples(
  detector: JailbreakDetector,
  examples: readonly JailbreakExample[],
  threshold: number,
): Promise<JailbreakReport> {
  let tp = 0
  let fp = 0
  let hardFp = 0
  const byFamily: Record<string, { detected: number; total: number }> = {}
  const errors: JailbreakReport['errors'] = []
  for (const ex of examples) {
    const v = await detector.detect(ex.text)
    const flagged = v.isJailbreak && v.confidence >= threshold
    const p = Number(attackProbability(v).toFixed(3))
    if (ex.attack) {
      const f = (byFamily[ex.family] ??= { detected: 0, total: 0 })
      f.total++
      if (flagged) {
        tp++
        f.detected++
      } else errors.push({ line: ex.line, kind: 'missed', family: ex.family, p })
    } else if (flagged) {
      fp++
      if (isHard(ex.family)) hardFp++
      errors.push({ line: ex.line, kind: 'false_positive', family: ex.family, p })
    }
  }
  const attacks = examples.filter((e) => e.attack).length
  const benign = examples.length - attacks
  const hardBenign = examples.filter((e) => !e.attack && isHard(e.family)).length
  return {
    attacks,
    benign,
    hardBenign,
    recall: attacks === 0 ? 0 : tp / attacks,
    falsePositiveRate: benign === 0 ? 0 : fp / benign,
    hardFalsePositiveRate: hardBenign === 0 ? 0 : hardFp / hardBenign,
    recallByFamily: byFamily,
    errors,
  }
}

export function evaluateJailbreak(
  detector: JailbreakDetector,
  path: string,
  threshold: number,
): Promise<JailbreakReport> {
  return evaluateJailbreakExamples(detector, loadJailbreakSet(path), threshold)
}

export interface PiiReport {
  readonly texts: number
  readonly perType: Record<string, PrfScore>
  readonly micro: PrfScore
  /** Same, requiring identical span boundaries. */
  readonly strictMicro: PrfScore
  readonly errors: { line: number; kind: 'fp' | 'fn'; type: string; value: string }[]
}

export function evaluatePii(
  detector: PiiDetector,
  path: string,
  threshold: number,
): Promise<PiiReport> {
  return evaluatePiiSet(detector, loadPiiFile(path), threshold)
}

export async function evaluatePiiSet(
  detector: PiiDetector,
  set: PiiSet,
  threshold: number,
): Promise<PiiReport> {
  const { examples } = set
  const scored = set.annotatedTypes ? new Set(set.annotatedTypes) : undefined
  const totals = new Map<string, Counts>()
  const strict = new Map<string, Counts>()
  const errors: PiiReport['errors'] = []
  for (const ex of examples) {
    const predicted = (await detector.detect(ex.text)).filter(
      (e) => e.confidence >= threshold && (!scored || scored.has(e.type)),
    )
    const m = matchEntities(ex.entities, predicted)
    addCounts(totals, m.perType)
    addCounts(strict, matchEntities(ex.entities, predicted, true).perType)
    for (const e of m.falsePositives)
      errors.push({ line: ex.line, kind: 'fp', type: e.type, value: e.value })
    for (const e of m.falseNegatives)
      errors.push({ line: ex.line, kind: 'fn', type: e.type, value: e.value })
  }
  const sum = (map: Map<string, Counts>): Counts => {
    const c = { tp: 0, fp: 0, fn: 0 }
    for (const v of map.values()) {
      c.tp += v.tp
      c.fp += v.fp
      c.fn += v.fn
    }
    return c
  }
  const perType: Record<string, PrfScore> = {}
  for (const [type, c] of [...totals].sort(([a], [b]) => a.localeCompare(b))) perType[type] = prf(c)
  return {
    texts: examples.length,
    perType,
    micro: prf(sum(totals)),
    strictMicro: prf(sum(strict)),
    errors,
  }
}
