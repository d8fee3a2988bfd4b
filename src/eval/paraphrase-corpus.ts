/**
 * The paraphrase corpus (training/data/paraphrase/*.jsonl, written for this project): one group per
 * line — a request, rewordings of it, and hard negatives (one detail changed) —
 *
 *   {"q": "...", "para": ["...", ...], "near": ["..."], "neg": [["number", "..."], ...]}
 *
 * `para` are rewordings (other words, other structure), `near` light rewordings (an auxiliary, a
 * contraction, word order, one synonym), `neg` requests with one detail changed.
 *
 * A group's split is decided by its request alone (splits.ts), so a request, its
 * rewordings and its negatives never straddle train, dev and test.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CachePair } from './cache-pairs.js'
import { dedupKey, splitOf, type Split } from './splits.js'

export const PARAPHRASE_DIR = join(
  import.meta.dirname,
  '..',
  '..',
  'training',
  'data',
  'paraphrase',
)

export type NegativeKind =
  'number' | 'unit' | 'entity' | 'negation' | 'opposite' | 'direction' | 'object' | 'qualifier'

export interface Group {
  readonly id: string
  readonly domain: string
  readonly split: Split
  readonly q: string
  readonly para: readonly string[]
  readonly near: readonly string[]
  readonly neg: readonly (readonly [NegativeKind, string])[]
}

export function readGroups(dir = PARAPHRASE_DIR): Group[] {
  const groups: Group[] = []
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()) {
    const domain = file.replace(/\.jsonl$/, '')
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (line.trim() === '') return
        const g = JSON.parse(line) as {
          q: string
          para: string[]
          near?: string[]
          neg: [NegativeKind, string][]
        }
        groups.push({
          id: `${domain}:${i + 1}`,
          domain,
          split: splitOf(g.q),
          q: g.q,
          para: g.para,
          near: g.near ?? [],
          neg: g.neg,
        })
      })
  }
  return groups
}

export interface Pair {
  readonly group: string
  /** The incoming question. */
  readonly query: string
  /** The question already in the cache. */
  readonly cached: string
  readonly same: boolean
  /** paraphrase | near | a negative kind | `neighbour` (another group's question, mined). */
  readonly kind: string
}

/** Written pairs of a group: rewordings against the request and each other; negatives against all. */
export function groupPairs(g: Group): Pair[] {
  const out: Pair[] = []
  const sames = [g.q, ...g.para, ...g.near]
  sames.forEach((x, i) =>
    sames.forEach((y, j) => {
      if (i >= j) return
      const kind = i === 0 && j > g.para.length ? 'near' : 'paraphrase'
      out.push({ group: g.id, query: y, cached: x, same: true, kind })
    }),
  )
  for (const [kind, text] of g.neg)
    for (const x of sames) out.push({ group: g.id, query: text, cached: x, same: false, kind })
  return out
}

/** The cache benchmark's view of a split: each request stored, each rewording and negative asked. */
export function corpusCachePairs(split: Split, dir = PARAPHRASE_DIR): CachePair[] {
  const out: CachePair[] = []
  for (const g of readGroups(dir).filter((x) => x.split === split)) {
    const add = (label: CachePair['label'], kind: string, b: string, i: number) =>
      out.push({ id: `${g.id}/${kind}${i}`, label, kind, a: g.q, b })
    g.para.forEach((b, i) => add('paraphrase', 'paraphrase', b, i))
    g.near.forEach((b, i) => add('paraphrase', 'near', b, i))
    g.neg.forEach(([kind, b], i) => add('hard_negative', kind, b, i))
  }
  return out
}

export { dedupKey }
