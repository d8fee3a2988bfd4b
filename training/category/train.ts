/**
 * Trains the embedded category classifier and writes it as a Hugging Face model folder
 * (models/category-classifier) that the runtime loads like any user model.
 *
 *   node --import tsx training/category/train.ts            # train on everything, export
 *   node --import tsx training/category/train.ts --cv       # 5-fold CV on the hand-written set
 *
 * Tuning uses --cv only; the held-out set is evaluated separately (npm run eval:classifiers).
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Tokenizer } from 'tokenizers'
import { readWordNet } from '../lib/wordnet.js'
import { wordPieceTokenizerJson, writeHfFolder } from '../lib/hf-folder.js'
import {
  argmax,
  scores,
  train,
  type Example,
  type LinearSpec,
  type Pooling,
} from '../lib/linear.js'
import { buildVocab, words } from '../lib/vocab.js'
import { LABELS, handwritten, termDocs, wordnetDocs, wordnetRootDocs, type Doc } from './corpus.js'
import { categoryGraph } from './graph.js'

const { values: args } = parseArgs({
  options: {
    cv: { type: 'boolean', default: false },
    pooling: { type: 'string', default: 'sqrt' },
    buckets: { type: 'string', default: '0' },
    epochs: { type: 'string', default: '40' },
    lr: { type: 'string', default: '0.3' },
    l2: { type: 'string', default: '0.0003' },
    'max-words': { type: 'string', default: '30000' },
    'wordnet-per-category': { type: 'string', default: '800' },
    'terms-per-term': { type: 'string', default: '3' },
    'w-terms': { type: 'string', default: '0.3' },
    'per-root': { type: 'string', default: '1000' },
    'w-wordnet': { type: 'string', default: '0.1' },
    out: {
      type: 'string',
      default: join(import.meta.dirname, '..', '..', 'models', 'category-classifier'),
    },
  },
})

const MAX_LENGTH = 512
const started = performance.now()

const hand = handwritten()
const terms = termDocs(Number(args['terms-per-term'])).map((d) => ({
  ...d,
  weight: Number(args['w-terms']),
}))
const wn = [
  ...wordnetDocs(Number(args['wordnet-per-category'])),
  ...wordnetRootDocs(Number(args['per-root'])),
].map((d) => ({
  ...d,
  weight: Number(args['w-wordnet']),
}))

function vocabulary(docs: readonly Doc[]): string[] {
  const freq = new Map<string, number>()
  const add = (w: string, n: number): void => {
    freq.set(w, (freq.get(w) ?? 0) + n)
  }
  for (const d of docs) for (const w of words(d.text)) add(w, 100)
  for (const s of readWordNet().values()) {
    for (const w of words(s.gloss)) add(w, 1)
    for (const lemma of s.words) if (/^[a-z]+$/.test(lemma)) add(lemma, 1)
  }
  return buildVocab({ words: freq, maxWords: Number(args['max-words']), compoundPieces: 4000 })
}

const allDocs = [...hand, ...terms, ...wn]
const vocab = vocabulary(allDocs)
const tokenizerJson = wordPieceTokenizerJson(vocab, MAX_LENGTH)
const tmp = join(tmpdir(), `sr-category-${process.pid}.json`)
writeFileSync(tmp, tokenizerJson)
const tokenizer = Tokenizer.fromFile(tmp)
rmSync(tmp)

async function encode(docs: readonly Doc[]): Promise<Example[]> {
  const encodings = await tokenizer.encodeBatch(
    docs.map((d) => d.text),
    { addSpecialTokens: true },
  )
  return encodings.map((e, i) => ({
    ids: e.getIds().slice(0, MAX_LENGTH),
    label: docs[i]!.label,
    weight: docs[i]!.weight,
  }))
}

const spec: LinearSpec = {
  vocabSize: vocab.length,
  buckets: Number(args.buckets),
  labels: LABELS.length,
  pooling: args.pooling as Pooling,
}
const trainOptions = {
  epochs: Number(args.epochs),
  learningRate: Number(args.lr),
  l2: Number(args.l2),
  seed: 1,
}

const handEx = await encode(hand)
const restEx = await encode([...terms, ...wn])

if (args.cv) {
  const folds = 5
  let correct = 0
  const perLabel = LABELS.map(() => ({ n: 0, ok: 0 }))
  for (let f = 0; f < folds; f++) {
    const trainSet = [...restEx, ...handEx.filter((_, i) => i % folds !== f)]
    const model = train(spec, trainSet, trainOptions)
    handEx.forEach((ex, i) => {
      if (i % folds !== f) return
      const predicted = argmax(scores(model, ex.ids))
      const ok = predicted === ex.label
      if (!ok && process.env['SHOW_ERRORS'])
        console.error(`${LABELS[ex.label]} -> ${LABELS[predicted]}: ${hand[i]!.text}`)
      correct += ok ? 1 : 0
      perLabel[ex.label]!.n++
      perLabel[ex.label]!.ok += ok ? 1 : 0
    })
  }
  console.log(
    JSON.stringify({
      cv_accuracy: +(correct / handEx.length).toFixed(4),
      per_label: Object.fromEntries(
        LABELS.map((l, i) => [l, +(perLabel[i]!.ok / perLabel[i]!.n).toFixed(2)]),
      ),
      spec,
      trainOptions,
      vocab: vocab.length,
      docs: { handwritten: hand.length, terms: terms.length, wordnet: wn.length },
      seconds: +((performance.now() - started) / 1000).toFixed(1),
    }),
  )
} else {
  const model = train(spec, [...restEx, ...handEx], trainOptions)
  const trainAcc =
    handEx.filter((ex) => argmax(scores(model, ex.ids)) === ex.label).length / handEx.length
  rmSync(args.out, { recursive: true, force: true })
  mkdirSync(args.out, { recursive: true })
  writeHfFolder({
    dir: args.out,
    modelType: 'bert',
    labels: LABELS,
    vocab,
    maxLength: MAX_LENGTH,
    onnx: categoryGraph(model),
    extraConfig: {
      architectures: ['BertForSequenceClassification'],
      problem_type: 'single_label_classification',
      _semantic_router: {
        description:
          'Embedded default category classifier: logistic regression over WordPiece unigrams and hashed bigrams',
        training: 'training/category/train.ts',
        pooling: spec.pooling,
        bigram_buckets: spec.buckets,
      },
    },
  })
  const mapping = {
    category_to_idx: Object.fromEntries(LABELS.map((l, i) => [l, i])),
    idx_to_category: Object.fromEntries(LABELS.map((l, i) => [String(i), l])),
  }
  writeFileSync(join(args.out, 'category_mapping.json'), `${JSON.stringify(mapping, null, 2)}\n`)
  copyFileSync(join(import.meta.dirname, 'DATA_CARD.md'), join(args.out, 'README.md'))
  console.log(
    JSON.stringify({
      out: args.out,
      train_accuracy_handwritten: +trainAcc.toFixed(4),
      vocab: vocab.length,
      docs: { handwritten: hand.length, terms: terms.length, wordnet: wn.length },
      spec,
      trainOptions,
      seconds: +((performance.now() - started) / 1000).toFixed(1),
    }),
  )
}
