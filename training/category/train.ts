/**
 * Trains the embedded category classifier on pretrained word vectors + word features and writes it
 * as a Hugging Face model folder (models/category-classifier) that the runtime loads like any user
 * model. Deterministic (seeded; the same data give the same bytes), a couple of minutes on one core.
 *
 *   node --import tsx training/category/train.ts               # train, calibrate, export
 *   node --import tsx training/category/train.ts --no-export   # dev figures only (tuning)
 *   node --import tsx training/category/train.ts --report-test # print test figures as well
 *
 * Splits (src/eval/category-data.ts): the model learns from `train`; `dev` picks the settings and
 * fits the temperature and the routing threshold (calibration.ts); `test` is never tuned on, and
 * is printed only when asked (`--report-test`, or `semantic-router eval` on the exported model),
 * so a tuning run cannot show it by accident. The held-out file (category-heldout.tsv) is never
 * read here.
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { writeHfFolder } from '../lib/hf-folder.js'
import { loadWordVectors } from '../lib/word-vectors.js'
import { LABELS } from './corpus.js'
import { loadCorpus } from '../../src/eval/category-data.js'
import { FIT_OPTIONS, fitCategory } from './fit.js'
import { categoryGraph } from './graph.js'

const { values: args } = parseArgs({
  options: {
    export: { type: 'boolean', default: true },
    'no-export': { type: 'boolean', default: false },
    'report-test': { type: 'boolean', default: false },
    ...FIT_OPTIONS,
    out: {
      type: 'string',
      default: join(import.meta.dirname, '..', '..', 'models', 'category-classifier'),
    },
  },
})

const MAX_LENGTH = 512
const started = performance.now()
const wv = loadWordVectors()
const corpus = loadCorpus()
const fitted = await fitCategory(wv, corpus.rows, args)
const { featurised, model, temperature, threshold } = fitted
const { vocab } = featurised
const gate = Number(args['question-gate'])
const report = {
  graphTemperature: +fitted.graphTemperature.toFixed(4),
  temperature: +temperature.toFixed(4),
  threshold,
  dev: summary('dev'),
  test: args['report-test'] ? summary('test') : 'not printed (--report-test)',
  counts: countRows(),
  dropped: corpus.dropped,
  vocab: vocab.length,
  seconds: +((performance.now() - started) / 1000).toFixed(1),
}

function summary(split: 'dev' | 'test') {
  const s = fitted.combined(split)
  const out: Record<string, unknown> = {}
  for (const kind of ['exam', 'everyday']) {
    const rows = s.filter((r) => r.kind === kind)
    const top1 = rows.filter((r) => r.top === r.label).length / rows.length
    const accepted = rows.filter((r) => r.top === r.label && r.confidence(temperature) >= threshold)
    out[kind] = {
      n: rows.length,
      top1: +(100 * top1).toFixed(1),
      api: +((100 * accepted.length) / rows.length).toFixed(1),
    }
  }
  return out
}

function countRows(): Record<string, number> {
  const out: Record<string, number> = {}
  for (const r of corpus.rows) out[`${r.split}/${r.kind}`] = (out[`${r.split}/${r.kind}`] ?? 0) + 1
  return out
}

if (args.export && !args['no-export']) {
  const tables = featurised.exportTables(model, report.graphTemperature)
  rmSync(args.out, { recursive: true, force: true })
  mkdirSync(args.out, { recursive: true })
  writeHfFolder({
    dir: args.out,
    modelType: 'word-vectors-classifier',
    labels: LABELS,
    vocab,
    maxLength: MAX_LENGTH,
    tokenizer: 'wordlevel',
    onnx: categoryGraph(tables),
    extraConfig: {
      architectures: ['WordVectorClassifier'],
      problem_type: 'single_label_classification',
      _semantic_router: {
        description:
          'Embedded default category classifier: linear softmax over pretrained word vectors (SIF-weighted mean), word features and frequent word pairs, temperature-calibrated',
        training: 'training/category/train.ts',
        vectors: 'models/word-vectors',
        calibration: { method: 'temperature', temperature: report.graphTemperature, split: 'dev' },
        ...(Number(args['w-question']) > 0 && {
          question_view: {
            min_confidence: gate,
            temperature_ratio: +(report.graphTemperature / report.temperature).toFixed(4),
          },
        }),
        recommended_threshold: threshold,
      },
    },
  })
  const mapping = {
    category_to_idx: Object.fromEntries(LABELS.map((l, i) => [l, i])),
    idx_to_category: Object.fromEntries(LABELS.map((l, i) => [String(i), l])),
  }
  writeFileSync(join(args.out, 'category_mapping.json'), `${JSON.stringify(mapping, null, 2)}\n`)
  copyFileSync(join(import.meta.dirname, 'DATA_CARD.md'), join(args.out, 'README.md'))
}
console.log(JSON.stringify(report, null, 1))
