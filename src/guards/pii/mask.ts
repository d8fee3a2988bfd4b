/** Replace detected entities with `<TYPE>` placeholders (Presidio's default replace operator). */
import type { PiiEntity } from '../types.js'

export function maskText(text: string, entities: readonly PiiEntity[]): string {
  const sorted = [...entities].sort((a, b) => a.start - b.start)
  let out = ''
  let cursor = 0
  for (const e of sorted) {
    if (e.start < cursor) continue
    out += `${text.slice(cursor, e.start)}<${e.type}>`
    cursor = e.end
  }
  return out + text.slice(cursor)
}
