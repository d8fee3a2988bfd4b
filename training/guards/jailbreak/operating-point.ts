/**
 * The jailbreak trainer's operating point (train.ts): at the pipeline threshold (--threshold), the
 * combination (rules at or above --rules-alone flag alone; below it their clipped logit is a
 * stacked feature) may flag at most a bound (--max-fpr) of the benign prompts, out of fold. The
 * bias is lowered in small steps until it does; the shift is folded into the exported model.
 */
import type { CorpusExample } from '../../../src/eval/guards/jailbreak-corpus.js'
import {
  combinedProbability,
  type RuleCombination,
} from '../../../src/guards/jailbreak/rule-combination.js'
import { sigmoid } from './window-model.js'

/** Recall and FPR over all prompts, the earlier items (not a twin) and the twins; the errors. */
export interface OperatingResult {
  readonly recall: number
  readonly fpr: number
  readonly old: { readonly recall: number; readonly fpr: number }
  readonly twins: { readonly recall: number; readonly fpr: number; readonly pairs: number }
  /** One line per missed attack or flagged benign prompt. */
  readonly errors: string[]
}

/** What the detector flags at a bias shift, given each prompt's stacked model score. */
export type Operating = (shift: number, scores: readonly number[]) => OperatingResult

export interface OperatingInputs {
  readonly labelled: readonly CorpusExample[]
  readonly rulesP: readonly number[]
  /** The stacking's bias. */
  readonly c: number
  readonly combination: RuleCombination
  readonly threshold: number
}

export function operatingAt({
  labelled,
  rulesP,
  c,
  combination,
  threshold,
}: OperatingInputs): Operating {
  return (shift, scores) => {
    // [flagged, total] of attacks and of benign prompts: all, old (not a twin), twins.
    const count = {
      attacks: [0, 0],
      benign: [0, 0],
      oldA: [0, 0],
      oldB: [0, 0],
      twinA: [0, 0],
      twinB: [0, 0],
    }
    const add = (tally: number[], flagged: boolean) => {
      tally[0] = tally[0]! + (flagged ? 1 : 0)
      tally[1] = tally[1]! + 1
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
}

/** The smallest bias shift (steps of 0.05, at most 10) at which the FPR is within the bound. */
export function shiftForBound(
  operating: Operating,
  bound: number,
  scores: readonly number[],
): number {
  let shift = 0
  while (operating(shift, scores).fpr > bound && shift < 10) shift += 0.05
  return shift
}

/** Share of the minimal pairs whose harmful twin has the higher stacked score (out of fold). */
export function orderedPairShare(
  pairs: readonly (readonly [number, number])[],
  stacked: readonly number[],
): number {
  return pairs.filter(([h, b]) => stacked[h]! > stacked[b]!).length / Math.max(1, pairs.length)
}
