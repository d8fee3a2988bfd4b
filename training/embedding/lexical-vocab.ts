/**
 * The text, vocabulary and IDF weights behind the lexical embedding: WordNet lemmas and glosses plus
 * this project's own category sentences, a WordPiece vocabulary covering English words and the
 * letters of the major scripts, and smoothed inverse document frequencies per token id.
 */
import { rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Tokenizer } from 'tokenizers'
import { handwritten, termDocs } from '../category/corpus.js'
import { SPECIAL_TOKENS, wordPieceTokenizerJson } from '../lib/hf-folder.js'
import { buildVocab, charRanges, words } from '../lib/vocab.js'
import { readWordNet } from '../lib/wordnet.js'

export const MAX_LENGTH = 512

// Letters of other scripts after BertNormalizer (lowercased, accents stripped, Hangul as jamo).
const SCRIPT_LETTERS = charRanges([
  [0x03b1, 0x03c9], // Greek
  [0x0430, 0x045f], // Cyrillic
  [0x05d0, 0x05ea], // Hebrew
  [0x0620, 0x064a], // Arabic
  [0x0900, 0x097f], // Devanagari
  [0x0e00, 0x0e7f], // Thai
  [0x1100, 0x11ff], // Hangul jamo
  [0x3040, 0x30ff], // Hiragana, Katakana
])
const CJK = charRanges([[0x4e00, 0x9fff]])

/** The documents the vocabulary and document frequencies come from. */
export function lexicalTexts(): string[] {
  const wn = readWordNet()
  return [
    ...[...wn.values()].map((s) => `${s.words.join(' ')} ${s.gloss}`),
    ...handwritten().map((d) => d.text),
    ...termDocs(1).map((d) => d.text),
  ]
}

export function lexicalVocab(texts: readonly string[], maxWords: number): string[] {
  const freq = new Map<string, number>()
  for (const t of texts) for (const w of words(t)) freq.set(w, (freq.get(w) ?? 0) + 1)
  return buildVocab({
    words: freq,
    maxWords,
    compoundPieces: 4000,
    extraChars: SCRIPT_LETTERS,
    standaloneChars: CJK,
  })
}

/** Document frequency per token id → smoothed IDF; special tokens weigh nothing. */
export async function idfWeights(vocab: readonly string[], texts: string[]): Promise<Float32Array> {
  const tmp = join(tmpdir(), `sr-vocab-${process.pid}.json`)
  writeFileSync(tmp, wordPieceTokenizerJson(vocab, MAX_LENGTH))
  const tokenizer = Tokenizer.fromFile(tmp)
  rmSync(tmp)
  const df = new Float64Array(vocab.length)
  const encodings = await tokenizer.encodeBatch(texts, { addSpecialTokens: false })
  for (const e of encodings) for (const id of new Set(e.getIds())) df[id]! += 1
  const idf = new Float32Array(vocab.length)
  for (let i = 0; i < vocab.length; i++) idf[i] = Math.log((texts.length + 1) / (df[i]! + 1)) + 1
  for (let i = 0; i < SPECIAL_TOKENS.length; i++) idf[i] = 0
  return idf
}
