/**
 * Overlapping candidates from different recognizers become one answer: the most confident span
 * wins, ties go to the longer span, and the survivors are returned in text order.
 */
import type { PiiEntity } from '../types.js'

export function resolveOverlaps(candidates: readonly PiiEntity[]): PiiEntity[] {
  const ranked = [...candidates].sort(
    (a, b) =>
      b.confidence - a.confidence || b.end - b.start - (a.end - a.start) || a.start - b.start,
  )
  const kept: PiiEntity[] = []
  for (const c of ranked) {
    if (c.end <= c.start) continue
    if (kept.some((k) => k.start < c.end && c.start < k.end)) continue
    kept.push(c)
  }
  return kept.sort((a, b) => a.start - b.start)
}
