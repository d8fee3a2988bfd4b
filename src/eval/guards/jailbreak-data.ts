/** Loader for the labelled jailbreak sets in training/data/guards/*.tsv (format in the files' headers). */
import { readFileSync } from 'node:fs'

export interface JailbreakExample {
  readonly line: number
  readonly attack: boolean
  /** Attack family for attacks; `normal` or `hard` for benign prompts. */
  readonly family: string
  readonly text: string
}

export function parseJailbreakTsv(content: string): JailbreakExample[] {
  const out: JailbreakExample[] = []
  content.split('\n').forEach((raw, i) => {
    if (raw.trim() === '' || raw.startsWith('#')) return
    const [label, family, ...rest] = raw.split('\t')
    if ((label !== 'J' && label !== 'B') || !family || rest.length === 0)
      throw new Error(`line ${i + 1}: expected "J|B<TAB>family<TAB>text"`)
    out.push({
      line: i + 1,
      attack: label === 'J',
      family,
      text: rest.join('\t').replace(/\\n/g, '\n'),
    })
  })
  return out
}

export function loadJailbreakSet(path: string): JailbreakExample[] {
  return parseJailbreakTsv(readFileSync(path, 'utf8'))
}
