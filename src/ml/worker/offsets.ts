/**
 * The native `tokenizers` binding reports offsets in Unicode code points; JavaScript strings index
 * UTF-16 code units. They differ only after an astral character (emoji, some CJK), so convert.
 */
const SURROGATE = /[\uD800-\uDFFF]/

export function toCodeUnitOffsets(
  text: string,
  offsets: readonly (readonly number[])[],
): [number, number][] {
  if (!SURROGATE.test(text)) return offsets.map((o) => [o[0] ?? 0, o[1] ?? 0])
  const unitIndex: number[] = []
  let unit = 0
  for (const ch of text) {
    unitIndex.push(unit)
    unit += ch.length
  }
  unitIndex.push(unit)
  const at = (cp: number): number => unitIndex[Math.min(cp, unitIndex.length - 1)] ?? unit
  return offsets.map((o) => [at(o[0] ?? 0), at(o[1] ?? 0)])
}
