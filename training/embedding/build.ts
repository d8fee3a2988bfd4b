/**
 * Builds the embedded lexical sentence embedding (models/lexical-embedding): a WordPiece tokenizer
 * covering English words and the letters of the major scripts, IDF weights computed from WordNet
 * glosses plus this project's own sentences, and the hashing graph in graph.ts. Nothing is
 * learned from labels, so there is nothing to overfit; quality is measured on
 * training/data/embedding-pairs.tsv by bench/classifiers/eval-embedding.ts.
 *
 *   node --import tsx training/embedding/build.ts
 */
import { copyFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Tokenizer } from 'tokenizers'
import { SPECIAL_TOKENS, wordPieceTokenizerJson, writeHfFolder } from '../lib/hf-folder.js'
import { charRanges, buildVocab, words } from '../lib/vocab.js'
import { readWordNet } from '../lib/wordnet.js'
import { handwritten, termDocs } from '../category/corpus.js'
import { lexicalGraph } from './graph.js'

const { values: args } = parseArgs({
  options: {
    dim: { type: 'string', default: '384' },
    'bigram-weight': { type: 'string', default: '0.5' },
    'max-words': { type: 'string', default: '40000' },
    'remainder-rows': { type: 'string', default: '512' },
    seed: { type: 'string', default: '20261126' },
    out: {
      type: 'string',
      default: join(import.meta.dirname, '..', '..', 'models', 'lexical-embedding'),
    },
  },
})
const started = performance.now()
const MAX_LENGTH = 512

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

const wn = readWordNet()
const texts: string[] = [
  ...[...wn.values()].map((s) => `${s.words.join(' ')} ${s.gloss}`),
  ...handwritten().map((d) => d.text),
  ...termDocs(1).map((d) => d.text),
]
const freq = new Map<string, number>()
for (const t of texts) for (const w of words(t)) freq.set(w, (freq.get(w) ?? 0) + 1)
const vocab = buildVocab({
  words: freq,
  maxWords: Number(args['max-words']),
  compoundPieces: 4000,
  extraChars: SCRIPT_LETTERS,
  standaloneChars: CJK,
})

const tmp = join(tmpdir(), `sr-lexical-${process.pid}.json`)
writeFileSync(tmp, wordPieceTokenizerJson(vocab, MAX_LENGTH))
const tokenizer = Tokenizer.fromFile(tmp)
rmSync(tmp)

// Document frequency per token id → smoothed IDF; special tokens weigh nothing.
const df = new Float64Array(vocab.length)
const encodings = await tokenizer.encodeBatch(texts, { addSpecialTokens: false })
for (const e of encodings) for (const id of new Set(e.getIds())) df[id]! += 1
const idf = new Float32Array(vocab.length)
for (let i = 0; i < vocab.length; i++) idf[i] = Math.log((texts.length + 1) / (df[i]! + 1)) + 1
for (let i = 0; i < SPECIAL_TOKENS.length; i++) idf[i] = 0

rmSync(args.out, { recursive: true, force: true })
const dim = Number(args.dim)
writeHfFolder({
  dir: args.out,
  modelType: 'bert',
  vocab,
  maxLength: MAX_LENGTH,
  onnx: lexicalGraph({
    vocabSize: vocab.length,
    dim,
    bigramWeight: Number(args['bigram-weight']),
    idf,
    remainderRows: Number(args['remainder-rows']),
    seed: Number(args.seed),
  }),
  extraConfig: {
    architectures: ['BertModel'],
    hidden_size: dim,
    _semantic_router: {
      description:
        'Embedded default lexical sentence embedding: IDF-weighted random sign projections (quotient-remainder sign tables) of WordPiece unigrams and bigrams',
      training: 'training/embedding/build.ts',
      bigram_weight: Number(args['bigram-weight']),
      sign_tables: { remainder_rows: Number(args['remainder-rows']), seed: Number(args.seed) },
      pooling: 'mean, then L2 normalise (done by the loader)',
    },
  },
})
copyFileSync(join(import.meta.dirname, 'DATA_CARD.md'), join(args.out, 'README.md'))
console.log(
  JSON.stringify({
    out: args.out,
    vocab: vocab.length,
    documents: texts.length,
    dim,
    seconds: +((performance.now() - started) / 1000).toFixed(1),
  }),
)
