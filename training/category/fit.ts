/**
 * One fit of the category classifier, as training/category/train.ts ships it and
 * training/category/cv.ts cross-validates it: features (features.ts) of the given corpus rows plus
 * topic vocabulary, WordNet domains and the question rows, the softmax trained on split `train`
 * (and `question-train`), then the temperatures, the question view's combination and the routing
 * threshold fitted on split `dev` (calibration.ts). The caller decides what `train` and `dev` are:
 * the hash splits (train.ts) or the folds of a cross-validation (cv.ts).
 */
import { trainSoftmax, logits, softmaxOf, type SoftmaxModel } from '../lib/softmax.js'
import type { WordVectors } from '../lib/word-vectors.js'
import { questionSentence } from '../../src/classify/model/question-view.js'
import { fitTemperature, routingThreshold, scoreSplit, type Scored } from './calibration.js'
import { LABELS, termDocs, wordnetDocs, wordnetRootDocs } from './corpus.js'
import { buildFeatures, type Example, type Featurised } from './features.js'

/** The trainer's settings (node:util parseArgs options; train.ts and cv.ts take the same flags). */
export const FIT_OPTIONS = {
  epochs: { type: 'string', default: '10' },
  lr: { type: 'string', default: '0.1' },
  'l2-words': { type: 'string', default: '0.0003' },
  'l2-vectors': { type: 'string', default: '0.00001' },
  'w-legacy': { type: 'string', default: '1' },
  // Everyday requests count 1.5× an exam question: chosen on the dev split (×1: everyday 82.9 %
  // top-1 / 80.4 % accepted and right; ×1.5: 84.1 / 81.3; ×2: 83.9 / 77.2, threshold up to 0.51).
  'w-everyday': { type: 'string', default: '1.5' },
  'w-terms': { type: 'string', default: '0.3' },
  'w-wordnet': { type: 'string', default: '0.1' },
  'min-count': { type: 'string', default: '2' },
  // Question view (src/classify/model/question-view.ts): the question sentences of multi-sentence
  // training texts are extra training rows at this weight (so a generic question learns a flat
  // distribution), and at run time a question sentence whose own calibrated top probability
  // reaches `question-gate` adds its logits to the whole text's. Chosen by 5-fold CV on train +
  // dev (docs/classifiers.md): everyday accepted-and-right 84.4 → 85.5 % (question rows from
  // everyday texts only: from all texts moved single-sentence exam-style texts).
  'w-question': { type: 'string', default: '0.3' },
  // Which corpus texts give question rows: `everyday` (only everyday texts) or `all`.
  'question-kinds': { type: 'string', default: 'everyday' },
  'question-gate': { type: 'string', default: '0.85' },
  // Word pairs (two consecutive tokens) seen at least this often in the written training texts
  // get their own learned row (0 = none), weighted `pair-scale` / √(pairs found); chosen by 5-fold
  // cross-validation on train + dev (docs/classifiers.md).
  'pair-min-count': { type: 'string', default: '5' },
  'pair-scale': { type: 'string', default: '0.5' },
  // ... and only pairs both of whose words occur in the training texts of at least this many of
  // the 14 categories (0 = any pair).
  'pair-min-categories': { type: 'string', default: '7' },
  // Seed of the training run (initialisation and example order).
  seed: { type: 'string', default: '1' },
} as const

export type FitArgs = { readonly [K in keyof typeof FIT_OPTIONS]: string }

export interface CorpusText {
  readonly text: string
  readonly label: number
  readonly kind: string
  readonly split: string
}

export interface Fitted {
  readonly featurised: Featurised
  readonly model: SoftmaxModel
  /** Temperature of the whole text's logits on dev (folded into the graph; the gate reads it). */
  readonly graphTemperature: number
  /** Temperature of the combined (whole text + confident question) logits on dev. */
  readonly temperature: number
  readonly threshold: number
  /** The split's corpus rows scored as the router scores them (in the order of `rows`). */
  combined(split: string): Scored[]
}

export async function fitCategory(
  wv: WordVectors,
  rows: readonly CorpusText[],
  args: FitArgs,
): Promise<Fitted> {
  const weightOf = (kind: string): number =>
    kind === 'legacy'
      ? Number(args['w-legacy'])
      : kind === 'everyday'
        ? Number(args['w-everyday'])
        : 1
  const extraDocs = [
    ...termDocs(3).map((d) => ({ ...d, weight: Number(args['w-terms']) })),
    ...[...wordnetDocs(800), ...wordnetRootDocs(1000)].map((d) => ({
      ...d,
      weight: Number(args['w-wordnet']),
    })),
  ].filter((d) => d.weight > 0)
  // One question row per multi-sentence corpus text, in its own split `question-<split>` (so it
  // adds no vocabulary or word pairs); the train ones are trained on, the others only scored.
  const questionKinds = args['question-kinds']
  if (questionKinds !== 'everyday' && questionKinds !== 'all')
    throw new Error(`--question-kinds must be everyday or all, not ${questionKinds}`)
  const wQuestion = Number(args['w-question'])
  const questionRows = rows.flatMap((r, i) => {
    const wanted = wQuestion > 0 && (questionKinds === 'all' || r.kind === 'everyday')
    const q = wanted ? questionSentence(r.text) : undefined
    return q === undefined ? [] : [{ of: i, text: q, label: r.label, split: `question-${r.split}` }]
  })

  const featurised = await buildFeatures(wv, {
    rows: rows.map((r) => ({ ...r, weight: weightOf(r.kind) })),
    extra: [
      ...extraDocs.map((d) => ({
        text: d.text,
        label: d.label,
        split: 'train',
        kind: d.source,
        weight: d.weight,
      })),
      ...questionRows.map((q) => ({
        text: q.text,
        label: q.label,
        split: q.split,
        kind: 'question',
        weight: wQuestion,
      })),
    ],
    minCount: Number(args['min-count']),
    ...(Number(args['pair-min-count']) > 0 && {
      pairs: {
        minCount: Number(args['pair-min-count']),
        scale: Number(args['pair-scale']),
        minCategories: Number(args['pair-min-categories']),
      },
    }),
  })
  const { examples } = featurised
  const model = trainSoftmax(
    { labels: LABELS.length, tokens: featurised.featureRows, dense: wv.dim, hidden: 0 },
    examples.filter((e) => e.split === 'train' || e.split === 'question-train'),
    {
      epochs: Number(args.epochs),
      learningRate: Number(args.lr),
      l2Sparse: Number(args['l2-words']),
      l2Dense: Number(args['l2-vectors']),
      seed: Number(args.seed),
    },
  )

  const questionOf = new Map<Example, Example>()
  const firstQuestion = rows.length + extraDocs.length
  questionRows.forEach((q, j) => questionOf.set(examples[q.of]!, examples[firstQuestion + j]!))
  const gate = Number(args['question-gate'])
  // The graph folds in the whole-text temperature (the question gate reads it); the routing
  // calibration is fitted on the combined logits, as the runtime computes them.
  const graphTemperature = fitTemperature(scoreSplit(model, examples, 'dev'))
  const combined = (split: string): Scored[] =>
    scoreSplit(model, examples, split, (e) => {
      const z = logits(model, e)
      const qe = questionOf.get(e)
      if (qe && wQuestion > 0) {
        const zq = logits(model, qe)
        if (Math.max(...softmaxOf(zq, graphTemperature)) >= gate)
          for (let k = 0; k < z.length; k++) z[k] = z[k]! + zq[k]!
      }
      return z
    })
  const dev = combined('dev')
  const temperature = fitTemperature(dev)
  return {
    featurised,
    model,
    graphTemperature,
    temperature,
    threshold: routingThreshold(dev, temperature),
    combined,
  }
}

/** The shipped settings (every flag at its default). */
export function defaultFitArgs(overrides: Partial<FitArgs> = {}): FitArgs {
  const defaults = Object.fromEntries(Object.entries(FIT_OPTIONS).map(([k, o]) => [k, o.default]))
  return { ...(defaults as FitArgs), ...overrides }
}
