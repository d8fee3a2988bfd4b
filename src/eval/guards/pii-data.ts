/** Loader for the labelled PII sets (training/data/guards/pii-*.txt): inline `[[TYPE:value]]` marks. */
import { readFileSync } from 'node:fs'

export interface GoldEntity {
  readonly type: string
  readonly start: number
  readonly end: number
  readonly value: string
}

export interface PiiExample {
  readonly line: number
  readonly text: string
  readonly entities: readonly GoldEntity[]
}

const MARK_RE = /\[\[([A-Z_]+):([^\]]+)\]\]/g

export function parsePiiLine(raw: string, line = 0): PiiExample {
  let text = ''
  let cursor = 0
  const entities: GoldEntity[] = []
  for (const m of raw.matchAll(MARK_RE)) {
    text += raw.slice(cursor, m.index)
    const value = m[2]!
    entities.push({ type: m[1]!, start: text.length, end: text.length + value.length, value })
    text += value
    cursor = m.index + m[0].length
  }
  text += raw.slice(cursor)
  if (text.includes('[[') || text.includes(']]')) throw new Error(`line ${line}: malformed mark`)
  return { line, text, entities }
}

export function loadPiiSet(path: string): PiiExample[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((raw, i) => ({ raw, line: i + 1 }))
    .filter(({ raw }) => raw.trim() !== '' && !raw.startsWith('#'))
    .map(({ raw, line }) => parsePiiLine(raw, line))
}
