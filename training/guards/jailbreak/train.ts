/**
 * Trains the embedded jailbreak / harmful-request classifier on the jailbreak corpus's train and
 * dev splits and writes it as a Hugging Face model folder (models/jailbreak-classifier) that the
 * router loads like any user's prompt-guard model, labels `benign` / `jailbreak` (upstream's).
 *
 *   node --import tsx training/guards/jailbreak/train.ts          # train, calibrate, export
 *   node --import tsx training/guards/jailbreak/train.ts --report # also print the CV errors
 *
 * Calibration uses 5-fold out-of-fold scores over train + dev: Platt scaling of the window score,
 * then the bias is lowered until the rules + model combination flags at most --max-fpr of the
 * benign prompts at the default prompt_guard threshold (0.7). The model's score of a prompt is the
 * highest of the whole text and each of its sentences (src/guards/jailbreak/sentences.ts; the
 * folder declares `sentence_views`, so the router scores it the same way), so the operating point
 * is chosen on that score too. The final model is trained on all of train + dev. The test split is only scored by `semantic-router eval guards`. Deterministic.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  loadJailbreakCorpus,
  type CorpusExample,
} from '../../../src/eval/guards/jailbreak-corpus.js'
import { fnv1a, normaliseForSplit } from '../../../src/eval/guards/splits.js'
import {
  categoryBackground,
  generatedExamples as generated,
  paddedCopies,
} from './training-data.js'
import { RuleJailbreakDetector } from '../../../src/guards/jailbreak/rule-detector.js'
import { sentenceViews } from '../../../src/guards/jailbreak/sentences.js'
import { modelViews } from '../../../src/guards/jailbreak/views-detector.js'
import { attackProbability } from '../../../src/guards/jailbreak/combined-detector.js'
import {
  clippedLogit,
  combinedProbability,
  type RuleCombination,
} from '../../../src/guards/jailbreak/rule-combination.js'
import { readModelFolder } from '../../../src/ml/folder.js'
import { LoadedModel, toClassification } from '../../../src/ml/model.js'
import { SPECIAL_TOKENS, writeHfFolder } from '../../lib/hf-folder.js'
import { loadWordVectors } from '../../lib/word-vectors.js'
import { CONCEPTS, conceptFlags } from './concepts.js'
import {
  convScore,
  convTable,
  scaleConv,
  tableRows,
  type ConvModel,
  type ConvSpec,
  type ConvTable,
} from './conv-model.js'
import { trainConvModel } from './conv-train.js'
import { INTENT_GROUPS, intentFlags, joinFlags } from './intent.js'
import { windowGraph } from './graph.js'
import { auc, operatingStack, platt } from './stacking.js'
import { sigmoid, type WindowExample } from './window-model.js'
import {
  mlpLogit,
  projectedTable,
  rescaleMlp,
  tableFeatures,
  trainMlpModel,
  type MlpModel,
  type MlpSpec,
  type ProjectedTable,
} from './window-mlp.js'

const { values: args } = parseArgs({
  options: {
    report: { type: 'boolean', default: false },
    // Writes the out-of-fold scores (window, convolution, rules) per train + dev prompt as JSON;
    // --oof-in reads them back instead of training the folds again (same data, same settings).
    'oof-out': { type: 'string' },
    'oof-in': { type: 'string' },
    'no-padding': { type: 'boolean', default: false },
    'w-generated': { type: 'string', default: '0.3' },
    background: { type: 'string', default: '3' },
    'w-background': { type: 'string', default: '0.5' },
    windows: { type: 'string', default: '8,16,32' },
    buckets: { type: 'string', default: '65536' },
    epochs: { type: 'string', default: '10' },
    lr: { type: 'string', default: '0.2' },
    l2: { type: 'string', default: '0.001' },
    // 1.8 %, not 3 %: the out-of-fold FPR under-estimated the final model's test FPR by 0.85-1.4
    // points in every earlier candidate (ml-jb3; mean 1.2), so 3 % - 1.2 keeps the expected 3 %.
    'max-fpr': { type: 'string', default: '0.018' },
    // Score the whole text only (the folder then declares no sentence views).
    'no-sentence-views': { type: 'boolean', default: false },
    threshold: { type: 'string', default: '0.7' },
    vectors: {
      type: 'string',
      default: join(import.meta.dirname, '..', '..', '..', 'models', 'word-vectors'),
    },
    'vector-rate': { type: 'string', default: '0.05' },
    'l2-vectors': { type: 'string', default: '0.0001' },
    projected: { type: 'string', default: '16' },
    hidden: { type: 'string', default: '32' },
    // The word-order model (conv-model.ts); --conv-filters 0 trains the window model alone.
    folds: { type: 'string', default: '5' },
    'rules-alone': { type: 'string', default: '0.9' },
    'conv-filters': { type: 'string', default: '48' },
    'conv-width': { type: 'string', default: '3' },
    'conv-projected': { type: 'string', default: '16' },
    'conv-epochs': { type: 'string', default: '10' },
    'conv-rate': { type: 'string', default: '0.003' },
    'conv-l2': { type: 'string', default: '0.0001' },
    // Self-attention before the convolution (attention.ts): query/key size; 0 = none.
    'conv-attention': { type: 'string', default: '0' },
    // Ranking loss on the twins of a minimal pair (pairs/*.tsv) in the convolution's training:
    // weight·softplus(margin − (s_harmful − s_benign)); weight 0 = twins are ordinary examples.
    'pair-weight': { type: 'string', default: '0' },
    'pair-margin': { type: 'string', default: '1' },
    // The window model also trains on the twins (off: ml-jb5 measured that the twins as ordinary
    // examples make its topic words uninformative, OOF recall 59.1 -> 48.2 %).
    'window-pairs': { type: 'boolean', default: false },
    // Keep the convolution's output weights >= 0, so appended words cannot lower its score. Off:
    // tried by ml-jb3 on its larger corpus (CV AUC 0.9535 -> 0.947; test FPR 2.8 -> 4.6 %).
    'conv-monotone': { type: 'boolean', default: false },
    // How the window, convolution and rules scores are stacked: 'logloss' (one logistic fit over
    // all items) or 'operating' (direction chosen for recall at out-of-fold FPR 1.0-2.6 %,
    // stacking.ts operatingStack; nested CV: 62.5 vs 58.9 % at the 1.8 % bound, not the default).
    stack: { type: 'string', default: 'logloss' },
    // Seed of the window model's and the convolution's initial weights and shuffles (the folds are
    // keyed by text hash, not by this); 1 rebuilds the shipped model. Another seed measures how
    // much a result depends on the training's randomness.
    seed: { type: 'string', default: '1' },
    out: {
      type: 'string',
      default: join(import.meta.dirname, '..', '..', '..', 'models', 'jailbreak-classifier'),
    },
  },
})

export const LABELS = ['benign', 'jailbreak'] as const
const MAX_LENGTH = 512
const started = performance.now()
const corpus = loadJailbreakCorpus()

// The word-vector model (models/word-vectors): the classifier uses its word-level tokenizer, and
// its vectors give every vocabulary word a meaning, including words never seen in training.
const vectors = loadWordVectors(args.vectors)
const vocab = vectors.words
const tokenizerFile = join(args.vectors, 'tokenizer.json')

async function encode(examples: readonly CorpusExample[]): Promise<WindowExample[]> {
  const ids = await vectors.encode(examples.map((e) => e.text))
  return ids.map((row, i) => ({
    ids: row.slice(0, MAX_LENGTH),
    label: examples[i]!.attack ? 1 : 0,
    weight: 1,
  }))
}

const spec: MlpSpec = {
  vocabSize: vocab.length,
  buckets: Number(args.buckets),
  windows: args.windows.split(',').map(Number),
  projected: Number(args.projected),
  concepts: CONCEPTS.length,
  hidden: Number(args.hidden),
}
const flags = conceptFlags(vocab)
const options = {
  epochs: Number(args.epochs),
  learningRate: Number(args.lr),
  l2: Number(args.l2),
  seed: Number(args.seed),
  vectorRate: Number(args['vector-rate']),
  l2Vectors: Number(args['l2-vectors']),
}
const convSpec: ConvSpec = {
  projected: Number(args['conv-projected']),
  concepts: CONCEPTS.length + INTENT_GROUPS.length,
  filters: Number(args['conv-filters']),
  width: Number(args['conv-width']),
  attention: Number(args['conv-attention']),
}
if (args.stack !== 'logloss' && args.stack !== 'operating')
  throw new Error(`--stack ${args.stack}: expected logloss or operating`)
if (args.stack === 'operating' && convSpec.filters === 0)
  throw new Error(
    '--stack operating stacks the window model and the convolution: needs --conv-filters > 0',
  )
const convFlags = joinFlags(
  vocab.length,
  flags,
  CONCEPTS.length,
  intentFlags(vocab),
  INTENT_GROUPS.length,
)
const convOptions = {
  epochs: Number(args['conv-epochs']),
  rate: Number(args['conv-rate']),
  l2: Number(args['conv-l2']),
  batch: 16,
  seed: Number(args.seed),
  maxTokens: 256,
  monotone: args['conv-monotone'],
  ...(Number(args['pair-weight']) > 0
    ? { pairLoss: { weight: Number(args['pair-weight']), margin: Number(args['pair-margin']) } }
    : {}),
}
interface OutOfFoldRow {
  readonly attack: boolean
  readonly family: string
  readonly text: string
  readonly window: number
  readonly conv: number
  readonly rules: number
  /** [window, convolution] of each other view (normalised, sentences); absent in older dumps. */
  readonly views?: readonly (readonly [number, number])[]
}
interface Fitted {
  readonly model: MlpModel
  readonly table: ProjectedTable
  readonly conv?: { readonly model: ConvModel; readonly table: ConvTable }
  score(ids: readonly number[]): number
  convScore(ids: readonly number[]): number
}

const generatedExamples = Number(args['w-generated']) > 0 ? generated(corpus) : []
const background = categoryBackground(Number(args.background))

/** Train on labelled prompts (plus padded copies and generated pairs); the table is what ships. */
async function fit(labelled: readonly CorpusExample[]): Promise<Fitted> {
  // Padded copies of the earlier items only (unless the window model reads the twins): the twins
  // neither get padded copies nor serve as the padding, so every other example is as without them.
  const padded = args['no-padding']
    ? []
    : paddedCopies(args['window-pairs'] ? labelled : labelled.filter((e) => e.pair === undefined))
  const examples = [
    ...(await encode(labelled)),
    ...(await encode(padded)).map((e) => ({ ...e, weight: 0.5 })),
    ...(await encode(generatedExamples)).map((e) => ({
      ...e,
      weight: Number(args['w-generated']),
    })),
    ...(await encode(background)).map((e) => ({ ...e, weight: Number(args['w-background']) })),
  ]
  // Twins (and their padded copies) by position in `examples`; [harmful, benign] index pairs.
  const twin = (i: number): string | undefined =>
    i < labelled.length
      ? labelled[i]!.pair
      : i < labelled.length + padded.length
        ? padded[i - labelled.length]!.pair
        : undefined
  const pairs = twinPairs(labelled)
  const windowExamples = args['window-pairs']
    ? examples
    : examples.filter((_, i) => twin(i) === undefined)
  const trained = trainMlpModel(spec, windowExamples, options, vectors, flags)
  const table = projectedTable(spec, trained.P, vectors, flags)
  const features = tableFeatures(table)
  const model = trained.model
  const score = (ids: readonly number[]): number => mlpLogit(model, ids, features)
  if (convSpec.filters === 0) return { model, table, score, convScore: () => 0 }
  const convTrained = trainConvModel(convSpec, examples, convOptions, vectors, convFlags, pairs)
  const conv = {
    model: convTrained.model,
    table: convTable(convSpec, convTrained.P, vectors, convFlags, vocab.length),
  }
  const rows = tableRows(conv.table)
  return { model, table, conv, score, convScore: (ids) => convScore(conv.model, ids, rows) }
}

/** [harmful, benign] indices of the minimal pairs with both twins in `labelled`. */
function twinPairs(labelled: readonly CorpusExample[]): [number, number][] {
  const byKey = new Map<string, number[]>()
  labelled.forEach((e, i) => {
    if (e.pair !== undefined) byKey.set(e.pair, [...(byKey.get(e.pair) ?? []), i])
  })
  const out: [number, number][] = []
  for (const [h, b] of byKey.values())
    if (b !== undefined) out.push(labelled[h!]!.attack ? [h!, b] : [b, h!])
  return out
}

// Out-of-fold scores for every train + dev prompt (5 folds by text hash): calibration and the
// operating point come from prompts the scoring model did not see. The test split is never used.
const labelled = [...corpus.train, ...corpus.dev]
const labels = labelled.map((e) => (e.attack ? 1 : 0))
const FOLDS = Number(args.folds)
// The twins of a minimal pair share a fold (by the pair's key), as they share a split.
const foldOf = (e: CorpusExample): number => fnv1a(normaliseForSplit(e.pair ?? e.text)) % FOLDS
const outOfFold: number[][] = labelled.map(() => [0, 0])
const labelledIds = (await encode(labelled)).map((e) => e.ids)
// Each prompt's other views, encoded once: what the router's model detector scores besides the
// text — the rules' normalised views (views-detector.ts) and the sentences of the text and of each
// of those views (sentences.ts) — so the operating point is chosen on the score the router uses.
const useSentences = !args['no-sentence-views']
const otherViews = (text: string): string[] => {
  const views = modelViews(text).map(([t]) => t)
  return [...views.slice(1), ...(useSentences ? views.flatMap((t) => sentenceViews(t)) : [])]
}
const viewIds: (readonly number[])[][] = []
// How many of a prompt's other views are normalised views (the rest are sentences), for --report.
const normalisedViews = labelled.map((e) => modelViews(e.text).length - 1)
for (const e of labelled) {
  const views = otherViews(e.text)
  viewIds.push(
    views.length === 0
      ? []
      : (await encode(views.map((text) => ({ ...e, text })))).map((x) => x.ids),
  )
}
const viewOof: (readonly (readonly [number, number])[])[] = labelled.map(() => [])
if (args['oof-in']) {
  // A previous run's out-of-fold scores on the same data (training is deterministic, so they are
  // the ones the folds would give again): only the operating point and the final model are redone.
  const saved = JSON.parse(readFileSync(args['oof-in'], 'utf8')) as OutOfFoldRow[]
  if (saved.length !== labelled.length || saved.some((r, i) => r.text !== labelled[i]!.text))
    throw new Error(`${args['oof-in']} was written for other training data`)
  saved.forEach((r, i) => (outOfFold[i] = [r.window, r.conv]))
  saved.forEach((r, i) => {
    if ((r.views?.length ?? 0) !== viewIds[i]!.length)
      throw new Error(`${args['oof-in']} does not have this prompt's view scores (prompt ${i})`)
    viewOof[i] = r.views ?? []
  })
} else
  for (let f = 0; f < FOLDS; f++) {
    const fitted = await fit(labelled.filter((e) => foldOf(e) !== f))
    labelled.forEach((e, i) => {
      if (foldOf(e) !== f) return
      outOfFold[i] = [fitted.score(labelledIds[i]!), fitted.convScore(labelledIds[i]!)]
      viewOof[i] = viewIds[i]!.map((ids) => [fitted.score(ids), fitted.convScore(ids)])
    })
  }
// Stacked features: the window model, the convolution, and the rules' clipped logit.
const rules = new RuleJailbreakDetector()
const rulesP = await Promise.all(
  labelled.map(async (e) => attackProbability(await rules.detect(e.text))),
)
const used = labelled.map((_, i) => [
  outOfFold[i]![0]!,
  ...(convSpec.filters === 0 ? [] : [outOfFold[i]![1]!]),
  clippedLogit(rulesP[i]!),
])
const { a, c } =
  args.stack === 'operating'
    ? operatingStack(
        labelled.map((_, i) => ({
          views: [[outOfFold[i]![0]!, outOfFold[i]![1]!] as const, ...viewOof[i]!],
          rules: clippedLogit(rulesP[i]!),
          alone: rulesP[i]! >= Number(args['rules-alone']),
          label: labels[i]!,
        })),
        [0.01, 0.014, 0.018, 0.022, 0.026],
      )
    : platt(used, labels)
if (args['oof-out'])
  writeFileSync(
    args['oof-out'],
    JSON.stringify(
      labelled.map((e, i): OutOfFoldRow => ({
        attack: e.attack,
        family: e.family,
        text: e.text,
        window: outOfFold[i]![0]!,
        conv: outOfFold[i]![1]!,
        rules: rulesP[i]!,
        views: viewOof[i]!,
      })),
    ),
  )
// The graph computes the model part; the detector adds the rules' part (combinedProbability).
const stack = (x: readonly number[]): number =>
  a[0]! * x[0]! + (convSpec.filters === 0 ? 0 : a[1]! * x[1]!)
const wholeText = outOfFold.map(stack)
// The detector's score: the most suspicious of the whole text and its other views.
const stacked = wholeText.map((z, i) => Math.max(z, ...viewOof[i]!.map(stack)))
const withoutSentences = wholeText.map((z, i) =>
  Math.max(z, ...viewOof[i]!.slice(0, normalisedViews[i]).map(stack)),
)
const combination: RuleCombination = {
  ruleWeight: a[a.length - 1]!,
  rulesAloneAt: Number(args['rules-alone']),
}
const cvAuc = auc(stacked, labels)
const cvAucWhole = auc(wholeText, labels)
const partAuc = [0, 1].map((j) =>
  auc(
    outOfFold.map((x) => x[j]!),
    labels,
  ),
)

// Operating point: at the pipeline threshold, the combination (rules at or above --rules-alone
// flag alone; below it their clipped logit is a stacked feature) may flag at most --max-fpr of the
// benign prompts (out of fold). Lower the bias in small steps until it does.
const threshold = Number(args.threshold)
const operating = (shift: number, scores: readonly number[] = stacked) => {
  // [flagged, total] of attacks and of benign prompts: all, old (not a twin), twins.
  const count = {
    attacks: [0, 0],
    benign: [0, 0],
    oldA: [0, 0],
    oldB: [0, 0],
    twinA: [0, 0],
    twinB: [0, 0],
  }
  const add = (c: number[], flagged: boolean) => {
    c[0] = c[0]! + (flagged ? 1 : 0)
    c[1] = c[1]! + 1
  }
  const errors: string[] = []
  labelled.forEach((e, i) => {
    const pm = sigmoid(scores[i]! + c - shift)
    const flagged = combinedProbability(rulesP[i]!, pm, combination) >= threshold
    add(e.attack ? count.attacks : count.benign, flagged)
    if (e.pair === undefined) add(e.attack ? count.oldA : count.oldB, flagged)
    else add(e.attack ? count.twinA : count.twinB, flagged)
    if (e.attack !== flagged)
      errors.push(
        `${e.attack ? 'MISS' : 'FP  '} ${pm.toFixed(2)} ${e.family}: ${e.text.slice(0, 110)}`,
      )
  })
  const rate = (x: number[]) => +(x[0]! / Math.max(1, x[1]!)).toFixed(4)
  return {
    recall: rate(count.attacks),
    fpr: rate(count.benign),
    old: { recall: rate(count.oldA), fpr: rate(count.oldB) },
    twins: { recall: rate(count.twinA), fpr: rate(count.twinB), pairs: count.twinB[1]! },
    errors,
  }
}
// Minimal pairs whose harmful twin has the higher stacked score (out of fold).
const orderedPairs = twinPairs(labelled)
const pairsOrdered =
  orderedPairs.filter(([h, b]) => stacked[h]! > stacked[b]!).length /
  Math.max(1, orderedPairs.length)
let shift = 0
while (operating(shift).fpr > Number(args['max-fpr']) && shift < 10) shift += 0.05
const cv = operating(shift)
if (args.report)
  for (const [name, scores] of [
    ['with views', stacked],
    ['normalised views, no sentences', withoutSentences],
    ['text only', wholeText],
  ] as const)
    for (const fpr of [0.01, 0.015, 0.018, 0.02, 0.025, 0.03, 0.05]) {
      let sh = 0
      while (operating(sh, scores).fpr > fpr && sh < 10) sh += 0.05
      const o = operating(sh, scores)
      console.error(
        `${name}: operating point FPR <= ${fpr}: recall ${o.recall.toFixed(4)} fpr ${o.fpr.toFixed(4)} shift ${sh.toFixed(2)}; old ${o.old.recall} / ${o.old.fpr}; twins ${o.twins.recall} / ${o.twins.fpr}`,
      )
    }
if (args.report) for (const e of cv.errors.sort()) console.error(e)

const final = await fit(labelled)
const model = final.model
const table = final.table
rescaleMlp(model, a[0]!, c - shift)
if (final.conv) scaleConv(final.conv.model, a[1]!)
const score = (ids: readonly number[]): number =>
  final.score(ids) + (final.conv ? final.convScore(ids) : 0)

rmSync(args.out, { recursive: true, force: true })
mkdirSync(args.out, { recursive: true })
writeHfFolder({
  dir: args.out,
  modelType: 'bert',
  labels: LABELS,
  // The word-vector model's tokenizer.json replaces the one written here (below).
  vocab: [...SPECIAL_TOKENS],
  maxLength: MAX_LENGTH,
  onnx: windowGraph(model, table, final.conv),
  extraConfig: {
    architectures: ['BertForSequenceClassification'],
    problem_type: 'single_label_classification',
    _semantic_router: {
      description:
        'Embedded jailbreak / harmful-request classifier: best window of token and token-pair weights plus an MLP over projected word vectors (multiple-instance training)',
      training: 'training/guards/jailbreak/train.ts',
      window_tokens: spec.windows,
      bigram_buckets: spec.buckets,
      projected_dims: spec.projected,
      wordnet_concepts: spec.concepts,
      hidden_units: spec.hidden,
      rules_combination: {
        rule_weight: +combination.ruleWeight.toFixed(6),
        rules_alone_at: combination.rulesAloneAt,
      },
      ...(useSentences ? { sentence_views: true } : {}),
      ...(final.conv
        ? {
            convolution: {
              projected_dims: convSpec.projected,
              flags: convSpec.concepts,
              filters: convSpec.filters,
              width: convSpec.width,
            },
          }
        : {}),
      word_vectors: 'models/word-vectors (tokenizer and vectors)',
    },
  },
})
const mapping = {
  label_to_idx: Object.fromEntries(LABELS.map((l, i) => [l, i])),
  idx_to_label: Object.fromEntries(LABELS.map((l, i) => [String(i), l])),
}
writeFileSync(
  join(args.out, 'jailbreak_type_mapping.json'),
  `${JSON.stringify(mapping, null, 2)}\n`,
)
copyFileSync(join(import.meta.dirname, 'DATA_CARD.md'), join(args.out, 'README.md'))
// The word-vector model's own tokenizer, unchanged.
copyFileSync(tokenizerFile, join(args.out, 'tokenizer.json'))
copyFileSync(join(args.vectors, 'tokenizer_config.json'), join(args.out, 'tokenizer_config.json'))

// The exported graph must compute exactly what was trained: compare on the dev split.
const folder = readModelFolder(args.out)
const onnxModel = await LoadedModel.load({
  folder,
  task: 'sequence-classification',
  labels: [...LABELS],
  longInput: 'chunk',
  aggregate: 'max-risk',
  benignLabel: 'benign',
})
try {
  const devIds = (await encode(corpus.dev)).map((e) => e.ids)
  const results = await onnxModel.run(corpus.dev.map((e) => e.text))
  results.forEach((r, i) => {
    const fromGraph = toClassification(LABELS, r).probabilities[1]!
    const reference = sigmoid(score(devIds[i]!))
    if (Math.abs(fromGraph - reference) > 1e-4)
      throw new Error(`graph and reference disagree on dev ${i}: ${fromGraph} vs ${reference}`)
  })
} finally {
  await onnxModel.close()
}
console.log(
  JSON.stringify({
    out: args.out,
    vocab: vocab.length,
    examples: {
      train: corpus.train.length,
      dev: corpus.dev.length,
      dropped: corpus.dropped.length,
      generated: generatedExamples.length,
      background: background.length,
    },
    spec,
    options,
    convolution: { ...convSpec, ...convOptions },
    platt: { a: a.map((x) => +x.toFixed(4)), c: +c.toFixed(4) },
    bias_shift: +shift.toFixed(2),
    cross_validated: {
      auc: +cvAuc.toFixed(4),
      auc_whole_text: +cvAucWhole.toFixed(4),
      auc_window: +partAuc[0]!.toFixed(4),
      auc_convolution: +partAuc[1]!.toFixed(4),
      recall: +cv.recall.toFixed(4),
      fpr: +cv.fpr.toFixed(4),
      old_items: cv.old,
      ...(cv.twins.pairs > 0 ? { twins: cv.twins, twins_ordered: +pairsOrdered.toFixed(4) } : {}),
    },
    seconds: +((performance.now() - started) / 1000).toFixed(1),
  }),
)
