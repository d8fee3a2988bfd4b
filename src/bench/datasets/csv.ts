/**
 * RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines (GPQA's questions do).
 * Returns one object per data row keyed by the header row.
 */
import { DatasetError } from './types.js'

export function parseCsv(text: string, source: string): Record<string, string>[] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  for (; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
      continue
    }
    if (c === '"' && field === '') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (quoted) throw new DatasetError(`${source}: unterminated quoted field at end of file`)
  if (field !== '' || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  const nonEmpty = rows.filter((r) => r.length > 1 || r[0] !== '')
  const [header, ...data] = nonEmpty
  if (!header) throw new DatasetError(`${source}: empty CSV file`)
  return data.map((r) => Object.fromEntries(header.map((name, j) => [name.trim(), r[j] ?? ''])))
}
