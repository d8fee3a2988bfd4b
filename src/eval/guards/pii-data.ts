/**
 * Loaders for the labelled PII sets: inline `[[TYPE:value]]` marks, one text per line, `\n` for a
 * line break inside a text, `#` comments. A `# annotated-types: A,B,...` line says which types the
 * file was annotated for (files written before a type existed); predictions of other types are
 * then not scored on it. The PII corpus (training/data/pii/*.txt) is annotated for every type and
 * split into train / dev / test by splits.ts.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { splitOf, type Split } from './splits.js'

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
  /** File the example came from (corpus files), for reports. */
  readonly file?: string
}

export interface PiiSet {
  readonly examples: readonly PiiExample[]
  /** Types the set was annotated for; undefined = every type. */
  readonly annotatedTypes?: readonly string[]
}

const MARK_RE = /\[\[([A-Z_]+):([^\]]+)\]\]/g

export function parsePiiLine(raw: string, line = 0): PiiExample {
  const source = raw.replace(/\\n/g, '\n')
  let text = ''
  let cursor = 0
  const entities: GoldEntity[] = []
  for (const m of source.matchAll(MARK_RE)) {
    text += source.slice(cursor, m.index)
    const value = m[2]!
    entities.push({ type: m[1]!, start: text.length, end: text.length + value.length, value })
    text += value
    cursor = m.index + m[0].length
  }
  text += source.slice(cursor)
  if (text.includes('[[') || text.includes(']]')) throw new Error(`line ${line}: malformed mark`)
  return { line, text, entities }
}

function parseFile(path: string): { examples: PiiExample[]; annotatedTypes?: string[] } {
  let annotatedTypes: string[] | undefined
  const examples: PiiExample[] = []
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const directive = /^# annotated-types:\s*(.+)$/.exec(raw)
      if (directive) annotatedTypes = directive[1]!.split(',').map((t) => t.trim())
      if (raw.trim() === '' || raw.startsWith('#')) return
      examples.push(parsePiiLine(raw, i + 1))
    })
  return { examples, ...(annotatedTypes ? { annotatedTypes } : {}) }
}

export function loadPiiSet(path: string): PiiExample[] {
  return parseFile(path).examples
}

export function loadPiiFile(path: string): PiiSet {
  return parseFile(path)
}

/** The examples of one split of the PII corpus directory (every *.txt file in it). */
export function loadPiiCorpus(dir: string, split: Split): PiiSet {
  const examples: PiiExample[] = []
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()) {
    for (const ex of parseFile(join(dir, file)).examples)
      if (splitOf(ex.text) === split) examples.push({ ...ex, file })
  }
  return { examples }
}
