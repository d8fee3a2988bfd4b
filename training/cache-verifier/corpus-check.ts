/**
 * Checks on the paraphrase corpus: enough rewordings and hard negatives, every text unique across
 * the corpus, splits kept apart (a group lives in one split), and no text equal or nearly equal to
 * a text of an evaluation file in the repository (the cache benchmark pairs, the embedding
 * evaluation pairs, test fixtures, benchmark datasets); and no request that another group asks
 * in other words (sameRequestAcrossGroups). Used by the corpus test.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Group } from '../../src/eval/paraphrase-corpus.js'
import { dedupKey } from '../../src/eval/splits.js'
import { fingerprint, type Fingerprint } from '../../src/cache/verify/fingerprint.js'
import { intents } from '../../src/cache/verify/intent.js'
import {
  negationDiffers,
  operatorsDiffer,
  unmatchedEntities,
} from '../../src/cache/verify/rules.js'
import { dot } from '../../src/embeddings/types.js'

const ROOT = join(import.meta.dirname, '..', '..')

/** Every text of the repository's evaluation files that a training text must not repeat. */
export function evaluationTexts(root = ROOT): Map<string, string> {
  const out = new Map<string, string>()
  const add = (text: unknown, where: string) => {
    if (typeof text === 'string' && /\p{L}/u.test(text) && text.length >= 12) out.set(text, where)
  }
  const tsv = join(root, 'training', 'data', 'embedding-pairs.tsv')
  for (const line of readFileSync(tsv, 'utf8').split('\n')) {
    if (line.startsWith('#')) continue
    for (const cell of line.split('\t').slice(1)) add(cell, 'training/data/embedding-pairs.tsv')
  }
  for (const dir of ['bench/cache/data', 'bench/datasets', 'test/fixtures']) {
    for (const file of walk(join(root, dir))) {
      if (!/\.(jsonl?|tsv)$/.test(file)) continue
      const rel = file.slice(root.length + 1)
      const text = readFileSync(file, 'utf8')
      if (file.endsWith('.tsv')) text.split(/[\t\n]/).forEach((c) => add(c, rel))
      else if (file.endsWith('.jsonl'))
        text
          .split('\n')
          .filter((l) => l.trim())
          .forEach((l) => strings(JSON.parse(l), (s) => add(s, rel)))
      else strings(JSON.parse(text), (s) => add(s, rel))
    }
  }
  return out
}

export interface CorpusReport {
  readonly groups: number
  readonly paraphrases: number
  readonly near: number
  readonly negatives: number
  readonly negativeKinds: Record<string, number>
  readonly bySplit: Record<string, { groups: number; paraphrases: number; negatives: number }>
  readonly problems: string[]
}

export function checkCorpus(
  groups: readonly Group[],
  evaluation: Map<string, string>,
): CorpusReport {
  const problems: string[] = []
  const seen = new Map<string, string>()
  const evalKeys = new Map([...evaluation].map(([t, where]) => [dedupKey(t), where]))
  const evalSets = [...evaluation].map(([t, where]) => ({ words: wordSet(t), t, where }))
  const kinds: Record<string, number> = {}
  const bySplit: CorpusReport['bySplit'] = {}
  for (const g of groups) {
    const s = (bySplit[g.split] ??= { groups: 0, paraphrases: 0, negatives: 0 })
    s.groups++
    s.paraphrases += g.para.length + g.near.length
    s.negatives += g.neg.length
    for (const [kind] of g.neg) kinds[kind] = (kinds[kind] ?? 0) + 1
    for (const text of [g.q, ...g.para, ...g.near, ...g.neg.map((n) => n[1])]) {
      const key = symbolKey(text)
      const before = seen.get(key)
      if (before !== undefined) problems.push(`${g.id}: "${text}" repeats ${before}`)
      else seen.set(key, g.id)
      const inEval = evalKeys.get(dedupKey(text))
      if (inEval) problems.push(`${g.id}: "${text}" is in ${inEval}`)
      const words = wordSet(text)
      for (const e of evalSets)
        if (jaccard(words, e.words) >= 0.8)
          problems.push(`${g.id}: "${text}" nearly repeats "${e.t}" (${e.where})`)
    }
  }
  return {
    groups: groups.length,
    paraphrases: groups.reduce((n, g) => n + g.para.length, 0),
    near: groups.reduce((n, g) => n + g.near.length, 0),
    negatives: groups.reduce((n, g) => n + g.neg.length, 0),
    negativeKinds: kinds,
    bySplit,
    problems,
  }
}

/**
 * Groups that hold the same request in other words (checkCorpus compares texts only as written):
 * two texts of different groups (requests, rewordings, light rewordings) that the sentence
 * embedding puts close (cosine ≥ `similarity`), whose content words mostly agree (stems with
 * synonyms folded, Jaccard ≥ `overlap`), and that agree on everything a hard negative changes: the
 * numbers, named things, operators, negation and the kind of answer asked for. Such a pair makes the
 * corpus evaluation count a right answer as a wrong entry, and trains a rewording as a negative.
 * "How do I keep cut flowers fresh longer?" and "…fresh for longer?" are caught; "What is the
 * difference between let and const?" and "…between == and ===?" (same words otherwise) are not.
 * One problem per pair of groups, naming its closest two texts.
 */
export function sameRequestAcrossGroups(
  groups: readonly Group[],
  vectors: ReadonlyMap<string, Float32Array>,
  { similarity = 0.75, overlap = 0.6 } = {},
): string[] {
  const texts = groups.flatMap((g) =>
    [g.q, ...g.para, ...g.near].map((text) => {
      const f = fingerprint(text)
      return { group: g.id, text, f, asks: [...intents(text)].sort().join() }
    }),
  )
  const vector = (text: string) => {
    const v = vectors.get(text)
    if (!v) throw new Error(`no sentence embedding for "${text}"`)
    return v
  }
  // Only texts that share a content word can reach the overlap: compare those (an index by word).
  const byWord = new Map<string, number[]>()
  texts.forEach((t, i) => {
    for (const w of t.f.content) (byWord.get(w) ?? byWord.set(w, []).get(w)!).push(i)
  })
  const found = new Map<string, { score: number; problem: string }>()
  texts.forEach((x, i) => {
    const partners = new Set<number>()
    for (const w of x.f.content) for (const j of byWord.get(w)!) if (j > i) partners.add(j)
    for (const j of partners) {
      const y = texts[j]!
      if (x.group === y.group) continue
      const shared = jaccard(x.f.content, y.f.content)
      if (shared < overlap || !sameRequestDetails(x, y)) continue
      const cosine = dot(vector(x.text), vector(y.text))
      if (cosine < similarity) continue
      const key = `${x.group} ${y.group}`
      const score = cosine + shared
      if ((found.get(key)?.score ?? -1) >= score) continue
      found.set(key, {
        score,
        problem: `${x.group} and ${y.group} ask the same request: "${x.text}" / "${y.text}" (similarity ${cosine.toFixed(2)}, content words ${shared.toFixed(2)})`,
      })
    }
  })
  return [...found.values()].map((f) => f.problem)
}

function sameRequestDetails(
  a: { readonly f: Fingerprint; readonly asks: string },
  b: { readonly f: Fingerprint; readonly asks: string },
): boolean {
  return (
    a.asks === b.asks &&
    [...a.f.numbers].sort().join() === [...b.f.numbers].sort().join() &&
    unmatchedEntities(a.f, b.f).length === 0 &&
    !operatorsDiffer(a.f, b.f) &&
    !negationDiffers(a.f, b.f)
  )
}

/** dedupKey, but operators count ("2x + 3" and "2x - 3" are different texts). */
function symbolKey(text: string): string {
  return dedupKey(text.replace(/[+\-*/^=<>%]/g, (s) => ` op${s.charCodeAt(0)} `))
}

function wordSet(text: string): Set<string> {
  return new Set(dedupKey(text).split(' ').filter(Boolean))
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0
  for (const w of a) if (b.has(w)) shared++
  return shared / (a.size + b.size - shared || 1)
}

function strings(value: unknown, visit: (s: string) => void): void {
  if (typeof value === 'string') visit(value)
  else if (Array.isArray(value)) value.forEach((v) => strings(v, visit))
  else if (value && typeof value === 'object')
    Object.values(value).forEach((v) => strings(v, visit))
}

function* walk(dir: string): Generator<string> {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  for (const name of names) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* walk(path)
    else yield path
  }
}
