/**
 * The verifier's WordNet lexicon (built by training/cache-verifier/wordnet-lexicon.ts from WordNet
 * 3.1): the parts of speech and most frequent senses of each word, and for each sense its
 * hypernyms, antonyms and derivationally related senses. It answers one question about two words:
 * how are they related — the same sense (a synonym), related forms, opposites, one a kind of the
 * other, siblings under one parent, or nothing WordNet records.
 */
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { invalid } from '../../ml/folder.js'

export type WordRelation =
  'same' | 'synonym' | 'related' | 'antonym' | 'hypernym' | 'sibling' | 'none' | 'unknown'

export const POS_NOUN = 1
export const POS_VERB = 2
export const POS_ADJ = 4
export const POS_ADV = 8

const POS_BITS: Readonly<Record<string, number>> = { n: 1, v: 2, a: 4, r: 8 }

interface SenseLinks {
  readonly hypernyms: readonly number[]
  readonly antonyms: readonly number[]
  readonly related: readonly number[]
}

export class WordNetLexicon {
  private constructor(
    private readonly words: ReadonlyMap<string, { pos: number; senses: readonly number[] }>,
    private readonly links: ReadonlyMap<number, SenseLinks>,
  ) {}

  static parse(text: string): WordNetLexicon {
    const words = new Map<string, { pos: number; senses: number[] }>()
    const links = new Map<number, SenseLinks>()
    const ints = (s: string | undefined): number[] =>
      s === undefined || s === '-' ? [] : s.split(',').map((x) => parseInt(x, 36))
    for (const line of text.split('\n')) {
      const f = line.split(' ')
      if (f[0] === 'w' && f.length >= 4) {
        let pos = 0
        for (const c of f[2]!) pos |= POS_BITS[c] ?? 0
        words.set(f[1]!, { pos, senses: f.slice(3).map((x) => parseInt(x, 36)) })
      } else if (f[0] === 's' && f.length === 5) {
        links.set(parseInt(f[1]!, 36), {
          hypernyms: ints(f[2]),
          antonyms: ints(f[3]),
          related: ints(f[4]),
        })
      }
    }
    return new WordNetLexicon(words, links)
  }

  static load(file: string): WordNetLexicon {
    try {
      const bytes = readFileSync(file)
      return WordNetLexicon.parse(
        (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'),
      )
    } catch (err) {
      throw invalid(file, `cannot be read as the verifier's WordNet lexicon (${String(err)})`, err)
    }
  }

  /** Parts of speech (POS_* bits) WordNet gives the word; 0 when it does not know it. */
  pos(word: string): number {
    return this.words.get(word)?.pos ?? 0
  }

  relation(a: string, b: string): WordRelation {
    if (a === b) return 'same'
    const x = this.words.get(a)
    const y = this.words.get(b)
    if (!x || !y) return 'unknown'
    const ys = new Set(y.senses)
    if (x.senses.some((s) => ys.has(s))) return 'synonym'
    const xl = x.senses.map((s) => this.links.get(s))
    const yl = y.senses.map((s) => this.links.get(s))
    const xs = new Set(x.senses)
    if (xl.some((l) => l?.antonyms.some((t) => ys.has(t)))) return 'antonym'
    if (yl.some((l) => l?.antonyms.some((t) => xs.has(t)))) return 'antonym'
    if (xl.some((l) => l?.related.some((t) => ys.has(t)))) return 'related'
    if (yl.some((l) => l?.related.some((t) => xs.has(t)))) return 'related'
    if (xl.some((l) => l?.hypernyms.some((t) => ys.has(t)))) return 'hypernym'
    if (yl.some((l) => l?.hypernyms.some((t) => xs.has(t)))) return 'hypernym'
    const parents = new Set(xl.flatMap((l) => l?.hypernyms ?? []))
    if (yl.some((l) => l?.hypernyms.some((t) => parents.has(t)))) return 'sibling'
    return 'none'
  }
}
