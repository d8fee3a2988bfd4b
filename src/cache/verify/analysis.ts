/**
 * One question prepared for the learned verifier: its fingerprint (numbers, negation, entities,
 * operators, directions), what kind of answer it asks for, its content words with their word
 * vectors, and a weighted mean of its word vectors. Computed once per text and cached by the
 * verifier, so a hot cached question is analysed once.
 */
import { fingerprint, stem, type Fingerprint } from './fingerprint.js'
import { intents } from './intent.js'
import {
  FRAMING_WORDS,
  FUNCTION_WORDS,
  NEGATION_CUES,
  NUMBER_WORDS,
  QUESTION_WORDS,
  SYNONYMS,
} from './lexicon.js'
import type { WordTable } from '../../ml/word-table.js'

export interface ContentWord {
  /** Lower-case surface form (accents removed). */
  readonly word: string
  /** Stem after synonym folding: two words with the same key count as the same word. */
  readonly key: string
  /** Row in the word table, or -1 (identifiers, rare words). */
  readonly row: number
  /** 0 for the most frequent words, 1 for the rarest and for words the table does not know. */
  readonly rarity: number
  /** A framing word ("explain", "tips", "best"): how the request is put, not what it is about. */
  readonly framing: boolean
}

export interface Analysis {
  readonly fingerprint: Fingerprint
  readonly intents: ReadonlySet<string>
  /** Lower-case words in order (function words included). */
  readonly words: readonly string[]
  readonly content: readonly ContentWord[]
  readonly keys: ReadonlySet<string>
  /** Weighted mean of all word vectors, L2-normalised (zero when no word is known). */
  readonly meaning: Float32Array
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu

export function analyse(text: string, table: WordTable): Analysis {
  const content: ContentWord[] = []
  const words: string[] = []
  const seen = new Set<string>()
  const meaning = new Float32Array(table.dim)
  const logRows = Math.log(table.rows + 1)
  let total = 0
  for (const match of text.normalize('NFKD').replace(/\p{M}/gu, '').matchAll(WORD)) {
    const word = match[0].toLowerCase().replace(/’/g, "'")
    words.push(word)
    const base = word.replace(/'s$/, '')
    const row = table.row(base)
    if (row >= 0) {
      table.addTo(meaning, row, table.weight(row))
      total += table.weight(row)
    }
    if (!isContent(base) || seen.has(base)) continue
    seen.add(base)
    content.push({
      word: base,
      key: stem(SYNONYMS.get(base) ?? base),
      row,
      rarity: row >= 0 ? Math.log(row + 1) / logRows : 1,
      framing: FRAMING_WORDS.has(base),
    })
  }
  if (total > 0) normalise(meaning)
  return {
    fingerprint: fingerprint(text),
    intents: intents(text),
    words,
    content,
    keys: new Set(content.map((c) => c.key)),
    meaning,
  }
}

function isContent(word: string): boolean {
  return (
    /\p{L}/u.test(word) &&
    !FUNCTION_WORDS.has(word) &&
    !QUESTION_WORDS.has(word) &&
    !NEGATION_CUES.has(word) &&
    NUMBER_WORDS[word] === undefined
  )
}

function normalise(v: Float32Array): void {
  let sq = 0
  for (const x of v) sq += x * x
  const n = Math.sqrt(sq)
  if (n > 0) for (let d = 0; d < v.length; d++) v[d] = v[d]! / n
}
