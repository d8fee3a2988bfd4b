/**
 * The jailbreak corpus (training/data/jailbreak): attack/<technique>.txt and benign/<kind>.txt,
 * one prompt per line, `\n` for a line break, `#` comments; and pairs/<area>.tsv, minimal pairs:
 * `harmful request<TAB>benign twin` per line (the twin shares most words and differs in what makes
 * the request harmful). Loading it:
 *  1. drops exact repeats (normalised text) inside the corpus;
 *  2. drops every prompt that is a near duplicate of an evaluation text anywhere in the repository
 *     (evaluation-texts.ts), so no held-out set leaks into training; a pair whose twin is dropped is
 *     dropped whole;
 *  3. groups near duplicates, and the two twins of a pair, together and gives each group one split
 *     (hash of its first member's normalised text, 60 / 20 / 20), so no test prompt has a near twin
 *     in train or dev. Pairs are read after every other file, so a group's first member, and its
 *     split, stays what it was without them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
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
  /** The pair a minimal-pair twin belongs to (`pairs/<area>.tsv:<line>`); absent otherwise. */
  readonly pair?: string
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
  return [...out, ...readPairFiles(join(dir, 'pairs'))]
}

/**
 * <area>.tsv in a folder: `harmful<TAB>benign` per line; both twins carry the pair's key
 * (`pairs/<area>.tsv:<line>`) and the family `pairs-<area>`.
 */
export function readPairFiles(pairsDir: string): CorpusExample[] {
  if (!existsSync(pairsDir)) return []
  const out: CorpusExample[] = []
  for (const file of readdirSync(pairsDir)
    .filter((f) => f.endsWith('.tsv'))
    .sort()) {
    const family = `pairs-${file.replace(/\.tsv$/, '')}`
    readFileSync(join(pairsDir, file), 'utf8')
      .split('\n')
      .forEach((raw, i) => {
        if (raw.trim() === '' || raw.startsWith('#')) return
        const twins = raw.split('\t')
        if (twins.length !== 2 || twins.some((t) => t.trim() === ''))
          throw new Error(`pairs/${file}:${i + 1}: expected "harmful<TAB>benign"`)
        const where = { family, file: `pairs/${file}`, line: i + 1, pair: `pairs/${file}:${i + 1}` }
        out.push({ text: twins[0]!.replace(/\\n/g, '\n'), attack: true, ...where })
        out.push({ text: twins[1]!.replace(/\\n/g, '\n'), attack: false, ...where })
      })
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

  const candidates: { ex: CorpusExample; print: Fingerprint }[] = []
  const seen = new Map<string, CorpusExample>()
  const droppedPairs = new Set<string>()
  for (const ex of examples) {
    const f = fingerprint(ex.text)
    const twin = seen.get(f.normalised)
    const reason = twin
      ? `repeat of ${twin.file}:${twin.line}`
      : evaluation.matches(f).length > 0
        ? 'near duplicate of an evaluation text'
        : undefined
    if (reason !== undefined) {
      dropped.push({ example: ex, reason })
      if (ex.pair !== undefined) droppedPairs.add(ex.pair)
      continue
    }
    seen.set(f.normalised, ex)
    candidates.push({ ex, print: f })
  }
  const kept: CorpusExample[] = []
  const prints: Fingerprint[] = []
  for (const { ex, print } of candidates) {
    if (ex.pair !== undefined && droppedPairs.has(ex.pair)) {
      dropped.push({ example: ex, reason: 'its pair twin was dropped' })
      continue
    }
    kept.push(ex)
    prints.push(print)
  }

  // Union-find over near-duplicate pairs inside the corpus.
  const parent = kept.map((_, i) => i)
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)))
  const index = new NearDuplicateIndex()
  prints.forEach((f, i) => {
    for (const j of index.matches(f)) parent[find(i)] = find(j)
    index.add(f)
  })
  // The twins of a pair share a group; the earlier root stays the root, so no group that existed
  // without the pairs changes its first member (and so its split).
  const firstOfPair = new Map<string, number>()
  kept.forEach((ex, i) => {
    if (ex.pair === undefined) return
    const other = firstOfPair.get(ex.pair)
    if (other === undefined) return void firstOfPair.set(ex.pair, i)
    const [a, b] = [find(other), find(i)]
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b)
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
