/**
 * Every text the repository uses to evaluate something (held-out and dev sets, test fixtures,
 * benchmark datasets and prompts), so the guard corpora can be kept free of them. Strings shorter
 * than 12 characters are ignored (they are labels and ids, not prompts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..', '..')

/** Files and folders (relative to the repository root) holding evaluation texts. */
export const EVALUATION_SOURCES = [
  'training/data/guards',
  'training/data/category-heldout.tsv',
  'bench/datasets',
  'bench/cache/data',
  'bench/extproc/messages.ts',
  'test/fixtures/guards',
  'test/fixtures/ml',
] as const

function stringsOfJson(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value)
  else if (Array.isArray(value)) for (const v of value) stringsOfJson(v, out)
  else if (value && typeof value === 'object')
    for (const v of Object.values(value)) stringsOfJson(v, out)
}

function textsOfFile(path: string): string[] {
  const content = readFileSync(path, 'utf8')
  const out: string[] = []
  if (path.endsWith('.json')) stringsOfJson(JSON.parse(content), out)
  else if (path.endsWith('.jsonl')) {
    for (const line of content.split('\n')) if (line.trim()) stringsOfJson(JSON.parse(line), out)
  } else if (path.endsWith('.ts')) {
    for (const m of content.matchAll(/'((?:[^'\\\n]|\\.){12,})'/g)) out.push(m[1]!)
  } else if (path.endsWith('.tsv')) {
    for (const line of content.split('\n'))
      if (line.trim() && !line.startsWith('#'))
        out.push(line.split('\t').at(-1)!.replace(/\\n/g, '\n'))
  } else if (path.endsWith('.txt')) {
    for (const line of content.split('\n'))
      if (line.trim() && !line.startsWith('#'))
        out.push(line.replace(/\[\[[A-Z_]+:([^\]]+)\]\]/g, '$1').replace(/\\n/g, '\n'))
  }
  return out
}

export function evaluationTexts(root = ROOT): string[] {
  const out: string[] = []
  for (const source of EVALUATION_SOURCES) {
    const path = join(root, source)
    if (!existsSync(path)) continue
    const files = source.includes('.')
      ? [path]
      : readdirSync(path)
          .filter((f) => /\.(json|jsonl|tsv|txt|ts)$/.test(f) && !/^extra-/.test(f))
          .map((f) => join(path, f))
    for (const file of files) out.push(...textsOfFile(file))
  }
  return out.filter((t) => t.length >= 12)
}
