/**
 * Overlapping candidates from different recognizers become one answer: the most confident span
 * wins, ties go to the longer span, and the survivors are returned in text order.
 *
 * The survivors never overlap, so they are kept sorted by start and each candidate is checked
 * against its two neighbours only (binary search): n log n, not n² — a long text can have tens of
 * thousands of candidates.
 */
import type { PiiEntity } from '../types.js'

/** Index of the first kept span starting at or after `start`. */
function firstFrom(kept: readonly PiiEntity[], start: number): number {
  let lo = 0
  let hi = kept.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (kept[mid]!.start < start) lo = mid + 1
    else hi = mid
  }
  return lo
}

export function resolveOverlaps(candidates: readonly PiiEntity[]): PiiEntity[] {
  const ranked = [...candidates].sort(
    (a, b) =>
      b.confidence - a.confidence || b.end - b.start - (a.end - a.start) || a.start - b.start,
  )
  const kept: PiiEntity[] = []
  for (const c of ranked) {
    if (c.end <= c.start) continue
    const at = firstFrom(kept, c.start)
    const before = kept[at - 1]
    const after = kept[at]
    if (before && before.end > c.start) continue
    if (after && after.start < c.end) continue
    kept.splice(at, 0, c)
  }
  return kept
}
