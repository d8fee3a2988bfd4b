/**
 * Entity-level PII scoring. A predicted entity is a true positive when an unmatched gold entity of
 * the SAME type overlaps it with intersection-over-union ≥ 0.5 (character spans); each gold entity
 * matches at most one prediction (best IoU first). Unmatched predictions are false positives,
 * unmatched gold entities false negatives. `strict` additionally requires identical boundaries.
 */
import type { PiiEntity } from '../../guards/types.js'
import type { GoldEntity } from './pii-data.js'

export interface Counts {
  tp: number
  fp: number
  fn: number
}

export interface PrfScore extends Counts {
  readonly precision: number
  readonly recall: number
  readonly f1: number
}

export function iou(a: { start: number; end: number }, b: { start: number; end: number }): number {
  const inter = Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start))
  const union = Math.max(a.end, b.end) - Math.min(a.start, b.start)
  return union === 0 ? 0 : inter / union
}

export interface MatchResult {
  readonly perType: Map<string, Counts>
  readonly falsePositives: PiiEntity[]
  readonly falseNegatives: GoldEntity[]
}

export function matchEntities(
  gold: readonly GoldEntity[],
  predicted: readonly PiiEntity[],
  strict = false,
): MatchResult {
  const perType = new Map<string, Counts>()
  const bump = (type: string, key: keyof Counts): void => {
    const c = perType.get(type) ?? { tp: 0, fp: 0, fn: 0 }
    c[key]++
    perType.set(type, c)
  }
  const pairs: { g: number; p: number; score: number }[] = []
  gold.forEach((g, gi) =>
    predicted.forEach((p, pi) => {
      if (g.type !== p.type) return
      const score = iou(g, p)
      const ok = strict ? g.start === p.start && g.end === p.end : score >= 0.5
      if (ok) pairs.push({ g: gi, p: pi, score })
    }),
  )
  pairs.sort((a, b) => b.score - a.score)
  const usedG = new Set<number>()
  const usedP = new Set<number>()
  for (const pair of pairs) {
    if (usedG.has(pair.g) || usedP.has(pair.p)) continue
    usedG.add(pair.g)
    usedP.add(pair.p)
    bump(gold[pair.g]!.type, 'tp')
  }
  const falseNegatives = gold.filter((_, i) => !usedG.has(i))
  const falsePositives = predicted.filter((_, i) => !usedP.has(i))
  for (const g of falseNegatives) bump(g.type, 'fn')
  for (const p of falsePositives) bump(p.type, 'fp')
  return { perType, falsePositives, falseNegatives }
}

export function prf(c: Counts): PrfScore {
  const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp)
  const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn)
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
  return { ...c, precision, recall, f1 }
}

export function addCounts(into: Map<string, Counts>, from: ReadonlyMap<string, Counts>): void {
  for (const [type, c] of from) {
    const t = into.get(type) ?? { tp: 0, fp: 0, fn: 0 }
    t.tp += c.tp
    t.fp += c.fp
    t.fn += c.fn
    into.set(type, t)
  }
}
