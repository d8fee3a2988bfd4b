/**
 * Builds the embedded lexical sentence embedding (models/lexical-embedding): a WordPiece tokenizer
 * covering English words and the letters of the major scripts, IDF weights computed from WordNet
 * glosses plus this project's own sentences, and the hashing graph in graph.ts. Nothing is
 * learned from labels, so there is nothing to overfit; quality is measured on
 * training/data/embedding-pairs.tsv by bench/classifiers/eval-embedding.ts.
 *
 *   node --import tsx training/embedding/build.ts
 */
import { copyFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { writeHfFolder } from '../lib/hf-folder.js'
import { lexicalGraph } from './graph.js'
import { MAX_LENGTH, idfWeights, lexicalTexts, lexicalVocab } from './lexical-vocab.js'

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
const texts = lexicalTexts()
const vocab = lexicalVocab(texts, Number(args['max-words']))
const idf = await idfWeights(vocab, texts)

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
