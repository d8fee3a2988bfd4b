/** Comparisons shared by signals: string predicates (metadata, headers), token counts. */
import type { StringPredicate } from '../config/schema/v03/signals.js'

/** equals (exact, case-sensitive), in (membership), exists (presence). */
export function testString(predicate: StringPredicate, value: string | undefined): boolean {
  if (predicate.exists !== undefined) return predicate.exists === (value !== undefined)
  if (value === undefined) return false
  if (predicate.equals !== undefined) return value === predicate.equals
  return predicate.in?.includes(value) ?? false
}

/** `32K` → 32000, `1.5M` → 1500000, plain numbers as they are (upstream's token counts). */
export function parseTokenCount(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'number') return value
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(value)
  if (!m) return undefined
  const scale = m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1_000 : 1_000_000
  return Math.round(Number(m[1]) * scale)
}
