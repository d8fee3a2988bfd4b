/**
 * Trains the jailbreak trainer's two models (train.ts) on one set of labelled prompts: the window
 * model, and the word-order convolution unless --conv-filters is 0. The same function trains each
 * fold's models (out-of-fold.ts) and the final, shipped ones, so both see the same training.
 */
import type { CorpusExample } from '../../../src/eval/guards/jailbreak-corpus.js'
import { convScore, convTable, tableRows, type ConvModel, type ConvTable } from './conv-model.js'
import { trainConvModel } from './conv-train.js'
import type { Encoding } from './encoding.js'
import type { ModelSettings, TrainArgs } from './options.js'
import { paddedCopies } from './training-data.js'
import {
  mlpLogit,
  projectedTable,
  tableFeatures,
  trainMlpModel,
  type MlpModel,
  type ProjectedTable,
} from './window-mlp.js'

export interface Fitted {
  readonly model: MlpModel
  /** The window model's projected word table: what ships. */
  readonly table: ProjectedTable
  readonly conv?: { readonly model: ConvModel; readonly table: ConvTable }
  score(ids: readonly number[]): number
  convScore(ids: readonly number[]): number
}

export interface FitInputs {
  readonly args: TrainArgs
  readonly settings: ModelSettings
  readonly encoding: Encoding
  /** Generated pairs (weighted by --w-generated) and category background (--w-background). */
  readonly generatedExamples: readonly CorpusExample[]
  readonly background: readonly CorpusExample[]
}

/** Train on labelled prompts (plus padded copies and generated pairs); the table is what ships. */
export async function fit(
  { args, settings, encoding, generatedExamples, background }: FitInputs,
  labelled: readonly CorpusExample[],
): Promise<Fitted> {
  const { spec, options, convSpec, convOptions } = settings
  const { encode, vectors, flags, convFlags, vocab } = encoding
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
export function twinPairs(labelled: readonly CorpusExample[]): [number, number][] {
  const byKey = new Map<string, number[]>()
  labelled.forEach((e, i) => {
    if (e.pair !== undefined) byKey.set(e.pair, [...(byKey.get(e.pair) ?? []), i])
  })
  const out: [number, number][] = []
  for (const [h, b] of byKey.values())
    if (b !== undefined) out.push(labelled[h!]!.attack ? [h!, b] : [b, h!])
  return out
}
