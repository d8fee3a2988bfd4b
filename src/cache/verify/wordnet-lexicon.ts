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

/** Relation lists per sense, in this order, in the flat link table. */
const HYPERNYMS = 0
const ANTONYMS = 1
const RELATED = 2

/**
 * About 84,000 words and 69,000 senses, held in typed arrays (compressed-row lists): as a map of
 * small objects and arrays the same data took ~34 MB of heap in every router process; this way it
 * takes a few MB.
 */
export class WordNetLexicon {
  private constructor(
    /** Word → its index in `wordPos` / `senseStart`. */
    private readonly words: ReadonlyMap<string, number>,
    private readonly wordPos: Uint8Array,
    /** Senses of word i: senses[senseStart[i] .. senseStart[i + 1]). */
    private readonly senseStart: Uint32Array,
    private readonly senses: Int32Array,
    /** Links of kind k of sense s: links[linkStart[3s + k] .. linkStart[3s + k + 1]). */
    private readonly linkStart: Uint32Array,
    private readonly links: Int32Array,
  ) {}

  static parse(text: string): WordNetLexicon {
    const words = new Map<string, number>()
    const pos: number[] = []
    const wordSenses: number[][] = []
    const senseLinks = new Map<number, number[][]>()
    let maxSense = -1
    const ints = (s: string | undefined): number[] =>
      s === undefined || s === '-' ? [] : s.split(',').map((x) => parseInt(x, 36))
    for (const line of text.split('\n')) {
      const f = line.split(' ')
      if (f[0] === 'w' && f.length >= 4) {
        let bits = 0
        for (const c of f[2]!) bits |= POS_BITS[c] ?? 0
        const senses = f.slice(3).map((x) => parseInt(x, 36))
        // A repeated word keeps its last line, as a map assignment would.
        const i = words.get(f[1]!) ?? wordSenses.length
        words.set(f[1]!, i)
        pos[i] = bits
        wordSenses[i] = senses
      } else if (f[0] === 's' && f.length === 5) {
        const sense = parseInt(f[1]!, 36)
        maxSense = Math.max(maxSense, sense)
        senseLinks.set(sense, [ints(f[2]), ints(f[3]), ints(f[4])])
      }
    }
    const senseStart = new Uint32Array(wordSenses.length + 1)
    wordSenses.forEach((s, i) => (senseStart[i + 1] = senseStart[i]! + s.length))
    const linkStart = new Uint32Array(3 * (maxSense + 1) + 1)
    for (let k = 0; k < 3 * (maxSense + 1); k++) {
      const list = senseLinks.get(Math.floor(k / 3))?.[k % 3]
      linkStart[k + 1] = linkStart[k]! + (list?.length ?? 0)
    }
    const links = new Int32Array(linkStart[linkStart.length - 1] ?? 0)
    for (const [sense, lists] of senseLinks)
      lists.forEach((list, k) => links.set(list, linkStart[3 * sense + k]))
    return new WordNetLexicon(
      words,
      Uint8Array.from(pos),
      senseStart,
      Int32Array.from(wordSenses.flat()),
      linkStart,
      links,
    )
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
    const i = this.words.get(word)
    return i === undefined ? 0 : this.wordPos[i]!
  }

  relation(a: string, b: string): WordRelation {
    if (a === b) return 'same'
    const x = this.words.get(a)
    const y = this.words.get(b)
    if (x === undefined || y === undefined) return 'unknown'
    const xs = this.sensesOf(x)
    const ys = this.sensesOf(y)
    if (xs.some((s) => ys.includes(s))) return 'synonym'
    if (this.linked(xs, ANTONYMS, ys) || this.linked(ys, ANTONYMS, xs)) return 'antonym'
    if (this.linked(xs, RELATED, ys) || this.linked(ys, RELATED, xs)) return 'related'
    if (this.linked(xs, HYPERNYMS, ys) || this.linked(ys, HYPERNYMS, xs)) return 'hypernym'
    const parents = new Set<number>()
    for (const s of xs) for (const p of this.linksOf(s, HYPERNYMS)) parents.add(p)
    if (ys.some((s) => this.linksOf(s, HYPERNYMS).some((p) => parents.has(p)))) return 'sibling'
    return 'none'
  }

  private sensesOf(word: number): Int32Array {
    return this.senses.subarray(this.senseStart[word], this.senseStart[word + 1])
  }

  private linksOf(sense: number, kind: number): Int32Array {
    const k = 3 * sense + kind
    if (sense < 0 || k + 1 >= this.linkStart.length) return EMPTY
    return this.links.subarray(this.linkStart[k], this.linkStart[k + 1])
  }

  /** Does some sense in `from` link (by `kind`) to a sense in `to`? */
  private linked(from: Int32Array, kind: number, to: Int32Array): boolean {
    return from.some((s) => this.linksOf(s, kind).some((t) => to.includes(t)))
  }
}

const EMPTY = new Int32Array(0)
