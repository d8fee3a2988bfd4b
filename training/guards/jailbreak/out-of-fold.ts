/**
 * Out-of-fold scores for every train + dev prompt (train.ts): the models of fold f are trained on
 * the prompts outside fold f and score the prompts in it, so calibration and the operating point
 * come from prompts the scoring model did not see. The test split is never used.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import type { CorpusExample } from '../../../src/eval/guards/jailbreak-corpus.js'
import { fnv1a, normaliseForSplit } from '../../../src/eval/guards/splits.js'
import { sentenceViews } from '../../../src/guards/jailbreak/sentences.js'
import { modelViews } from '../../../src/guards/jailbreak/views-detector.js'
import type { Encoding } from './encoding.js'
import type { Fitted } from './fit.js'

/** One prompt in the --oof-out / --oof-in dump. */
export interface OutOfFoldRow {
  readonly attack: boolean
  readonly family: string
  readonly text: string
  readonly window: number
  readonly conv: number
  readonly rules: number
  /** [window, convolution] of each other view (normalised, sentences); absent in older dumps. */
  readonly views?: readonly (readonly [number, number])[]
}

export interface OutOfFold {
  /** [window, convolution] of each prompt's whole text. */
  readonly outOfFold: number[][]
  /** [window, convolution] of each of the prompt's other views. */
  readonly viewOof: (readonly (readonly [number, number])[])[]
  /** How many of a prompt's other views are normalised views (the rest are sentences). */
  readonly normalisedViews: readonly number[]
}

export interface OutOfFoldInputs {
  readonly encode: Encoding['encode']
  /** Trains the models on the given prompts (fit.ts). */
  readonly fit: (labelled: readonly CorpusExample[]) => Promise<Fitted>
  readonly folds: number
  /** Score each sentence of the text and of its normalised views too (not --no-sentence-views). */
  readonly useSentences: boolean
  /** A previous run's dump (--oof-in) to read instead of training the folds. */
  readonly oofIn?: string
}

export async function outOfFoldScores(
  labelled: readonly CorpusExample[],
  { encode, fit, folds, useSentences, oofIn }: OutOfFoldInputs,
): Promise<OutOfFold> {
  // The twins of a minimal pair share a fold (by the pair's key), as they share a split.
  const foldOf = (e: CorpusExample): number => fnv1a(normaliseForSplit(e.pair ?? e.text)) % folds
  const outOfFold: number[][] = labelled.map(() => [0, 0])
  const labelledIds = (await encode(labelled)).map((e) => e.ids)
  // Each prompt's other views, encoded once: what the router's model detector scores besides the
  // text — the rules' normalised views (views-detector.ts) and the sentences of the text and of
  // each of those views (sentences.ts) — so the operating point is chosen on the score the router
  // uses.
  const otherViews = (text: string): string[] => {
    const views = modelViews(text).map(([t]) => t)
    return [...views.slice(1), ...(useSentences ? views.flatMap((t) => sentenceViews(t)) : [])]
  }
  const viewIds: (readonly number[])[][] = []
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
  if (oofIn) {
    // A previous run's out-of-fold scores on the same data (training is deterministic, so they are
    // the ones the folds would give again): only the operating point and the final model are redone.
    const saved = JSON.parse(readFileSync(oofIn, 'utf8')) as OutOfFoldRow[]
    if (saved.length !== labelled.length || saved.some((r, i) => r.text !== labelled[i]!.text))
      throw new Error(`${oofIn} was written for other training data`)
    saved.forEach((r, i) => (outOfFold[i] = [r.window, r.conv]))
    saved.forEach((r, i) => {
      if ((r.views?.length ?? 0) !== viewIds[i]!.length)
        throw new Error(`${oofIn} does not have this prompt's view scores (prompt ${i})`)
      viewOof[i] = r.views ?? []
    })
  } else
    for (let f = 0; f < folds; f++) {
      const fitted = await fit(labelled.filter((e) => foldOf(e) !== f))
      labelled.forEach((e, i) => {
        if (foldOf(e) !== f) return
        outOfFold[i] = [fitted.score(labelledIds[i]!), fitted.convScore(labelledIds[i]!)]
        viewOof[i] = viewIds[i]!.map((ids) => [fitted.score(ids), fitted.convScore(ids)])
      })
    }
  return { outOfFold, viewOof, normalisedViews }
}

/** The --oof-out dump: each prompt's out-of-fold model scores and its rules' probability. */
export function writeOutOfFold(
  path: string,
  labelled: readonly CorpusExample[],
  { outOfFold, viewOof }: OutOfFold,
  rulesP: readonly number[],
): void {
  writeFileSync(
    path,
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
}
