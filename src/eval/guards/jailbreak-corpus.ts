/**
 * The jailbreak corpus (training/data/jailbreak): attack/<technique>.txt and benign/<kind>.txt,
 * one prompt per line, `\n` for a line break, `#` comments. Loading it:
 *  1. drops exact repeats (normalised text) inside the corpus;
 *  2. drops every prompt that is a near duplicate of an evaluation text anywhere in the repository
 *     (evaluation-texts.ts), so no held-out set leaks into training;
 *  3. groups near duplicates together and gives each group one split (hash of its first member's
 *     normalised text, 60 / 20 / 20), so no test prompt has a near twin in train or dev.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { evaluationTexts } from './evaluation-texts.js'
import { fingerprint, NearDuplicateIndex, type Fingerprint } from './near-duplicates.js'
import { splitOf, type Split } from './splits.js'

export const JAILBREAK_CORPUS_DIR = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'training',
  'data',
  'jailbreak',
)

export interface CorpusExample {
  readonly text: string
  readonly attack: boolean
  /** File name without extension: the attack technique or the kind of benign prompt. */
  readonly family: string
  readonly file: string
  readonly line: number
}

export interface JailbreakCorpus {
  readonly train: readonly CorpusExample[]
  readonly dev: readonly CorpusExample[]
  readonly test: readonly CorpusExample[]
  /** Removed as repeats inside the corpus or as near duplicates of an evaluation text. */
  readonly dropped: readonly { readonly example: CorpusExample; readonly reason: string }[]
}

export function readCorpusFiles(dir = JAILBREAK_CORPUS_DIR): CorpusExample[] {
  const out: CorpusExample[] = []
  for (const label of ['attack', 'benign'] as const) {
    for (const file of readdirSync(join(dir, label))
      .filter((f) => f.endsWith('.txt'))
      .sort()) {
      readFileSync(join(dir, label, file), 'utf8')
        .split('\n')
        .forEach((raw, i) => {
          if (raw.trim() === '' || raw.startsWith('#')) return
          out.push({
            text: raw.replace(/\\n/g, '\n'),
            attack: label === 'attack',
            family: file.replace(/\.txt$/, ''),
            file: `${label}/${file}`,
            line: i + 1,
          })
        })
    }
  }
  return out
}

let cached: { dir: string; corpus: JailbreakCorpus } | undefined

export function loadJailbreakCorpus(dir = JAILBREAK_CORPUS_DIR): JailbreakCorpus {
  if (cached?.dir === dir) return cached.corpus
  const examples = readCorpusFiles(dir)
  const dropped: { example: CorpusExample; reason: string }[] = []
  const evaluation = new NearDuplicateIndex()
  for (const t of evaluationTexts()) evaluation.add(fingerprint(t))

  const kept: CorpusExample[] = []
  const prints: Fingerprint[] = []
  const seen = new Map<string, CorpusExample>()
  for (const ex of examples) {
    const f = fingerprint(ex.text)
    const twin = seen.get(f.normalised)
    if (twin) {
      dropped.push({ example: ex, reason: `repeat of ${twin.file}:${twin.line}` })
      continue
    }
    if (twin === undefined && evaluation.matches(f).length > 0) {
      dropped.push({ example: ex, reason: 'near duplicate of an evaluation text' })
      continue
    }
    seen.set(f.normalised, ex)
    kept.push(ex)
    prints.push(f)
  }

  // Union-find over near-duplicate pairs inside the corpus.
  const parent = kept.map((_, i) => i)
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)))
  const index = new NearDuplicateIndex()
  prints.forEach((f, i) => {
    for (const j of index.matches(f)) parent[find(i)] = find(j)
    index.add(f)
  })
  const splits: Record<Split, CorpusExample[]> = { train: [], dev: [], test: [] }
  kept.forEach((ex, i) => {
    const root = find(i)
    splits[splitOf(prints[root]!.normalised)].push(ex)
  })
  const corpus = { ...splits, dropped }
  cached = { dir, corpus }
  return corpus
}
