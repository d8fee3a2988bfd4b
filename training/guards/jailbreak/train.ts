/**
 * Trains the embedded jailbreak / harmful-request classifier on the jailbreak corpus's train and
 * dev splits and writes it as a Hugging Face model folder (models/jailbreak-classifier) that the
 * router loads like any user's prompt-guard model, labels `benign` / `jailbreak` (upstream's).
 *
 *   node --import tsx training/guards/jailbreak/train.ts          # train, calibrate, export
 *   node --import tsx training/guards/jailbreak/train.ts --report # also print the CV errors
 *
 * Calibration uses 5-fold out-of-fold scores over train + dev: one logistic fit stacks the window
 * model, the convolution and the rules (--stack), then the bias is lowered until the rules + model
 * combination flags at most --max-fpr of the benign prompts at the default prompt_guard threshold
 * (0.7). The model's score of a prompt is the highest of the whole text and each of its sentences
 * (src/guards/jailbreak/sentences.ts; the folder declares `sentence_views`, so the router scores
 * it the same way), so the operating point is chosen on that score too. The final model is trained
 * on all of train + dev. The test split is only scored by `semantic-router eval guards`.
 * Deterministic.
 *
 * This script only wires the steps, each in its own file: the flags (options.ts), the word ids and
 * flags the models read (encoding.ts), training the models on a set of prompts (fit.ts), the
 * out-of-fold scores (out-of-fold.ts), the stacking (stacked-scores.ts, stacking.ts), the operating
 * point (operating-point.ts), what it prints (report.ts) and the exported folder (export-folder.ts).
 */
import { loadJailbreakCorpus } from '../../../src/eval/guards/jailbreak-corpus.js'
import { scaleConv } from './conv-model.js'
import { loadEncoding } from './encoding.js'
import { checkExportedGraph, writeModelFolder } from './export-folder.js'
import { fit, twinPairs, type FitInputs } from './fit.js'
import { operatingAt, orderedPairShare, shiftForBound } from './operating-point.js'
import { modelSettings, parseTrainArgs } from './options.js'
import { outOfFoldScores, writeOutOfFold } from './out-of-fold.js'
import { printReport, printSummary } from './report.js'
import { fitStack, ruleCombination, rulesProbabilities, stackedScores } from './stacked-scores.js'
import { auc } from './stacking.js'
import { categoryBackground, generatedExamples as generated } from './training-data.js'
import { rescaleMlp } from './window-mlp.js'

const args = parseTrainArgs()
const started = performance.now()
const corpus = loadJailbreakCorpus()
const encoding = loadEncoding(args.vectors)
const settings = modelSettings(args, encoding.vocab.length)
const withConv = settings.convSpec.filters > 0
const rulesAlone = Number(args['rules-alone'])
const useSentences = !args['no-sentence-views']
const inputs: FitInputs = {
  args,
  settings,
  encoding,
  generatedExamples: Number(args['w-generated']) > 0 ? generated(corpus) : [],
  background: categoryBackground(Number(args.background)),
}

// Out-of-fold scores for every train + dev prompt (--folds folds by text hash, or --oof-in).
const labelled = [...corpus.train, ...corpus.dev]
const labels = labelled.map((e) => (e.attack ? 1 : 0))
const oof = await outOfFoldScores(labelled, {
  encode: encoding.encode,
  fit: (prompts) => fit(inputs, prompts),
  folds: Number(args.folds),
  useSentences,
  ...(args['oof-in'] ? { oofIn: args['oof-in'] } : {}),
})
const rulesP = await rulesProbabilities(labelled)
const { a, c } = fitStack({
  stack: args.stack,
  scores: oof,
  rulesP,
  labels,
  rulesAlone,
  withConv,
})
if (args['oof-out']) writeOutOfFold(args['oof-out'], labelled, oof, rulesP)
const scores = stackedScores(a, withConv, oof)
const combination = ruleCombination(a, rulesAlone)

// The operating point: the bias shift at which the out-of-fold FPR is within --max-fpr.
const operating = operatingAt({
  labelled,
  rulesP,
  c,
  combination,
  threshold: Number(args.threshold),
})
const shift = shiftForBound(operating, Number(args['max-fpr']), scores.stacked)
const cv = operating(shift, scores.stacked)
if (args.report) printReport(operating, scores, cv)

// The final model: trained on all of train + dev, scaled to the stacking and the operating point.
const final = await fit(inputs, labelled)
rescaleMlp(final.model, a[0]!, c - shift)
if (final.conv) scaleConv(final.conv.model, a[1]!)
const score = (ids: readonly number[]): number =>
  final.score(ids) + (final.conv ? final.convScore(ids) : 0)
writeModelFolder({
  out: args.out,
  final,
  spec: settings.spec,
  convSpec: settings.convSpec,
  combination,
  useSentences,
  vectorsDir: args.vectors,
})
await checkExportedGraph(
  args.out,
  corpus.dev.map((e) => e.text),
  (await encoding.encode(corpus.dev)).map((e) => e.ids),
  score,
)

printSummary({
  out: args.out,
  vocab: encoding.vocab.length,
  examples: {
    train: corpus.train.length,
    dev: corpus.dev.length,
    dropped: corpus.dropped.length,
    generated: inputs.generatedExamples.length,
    background: inputs.background.length,
  },
  spec: settings.spec,
  options: settings.options,
  convolution: { ...settings.convSpec, ...settings.convOptions },
  a,
  c,
  shift,
  auc: {
    stacked: auc(scores.stacked, labels),
    wholeText: auc(scores.wholeText, labels),
    parts: [0, 1].map((j) =>
      auc(
        oof.outOfFold.map((x) => x[j]!),
        labels,
      ),
    ),
  },
  cv,
  pairsOrdered: orderedPairShare(twinPairs(labelled), scores.stacked),
  started,
})
