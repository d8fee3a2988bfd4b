/**
 * From the out-of-fold scores to the detector's score (train.ts): the rules' verdict on each
 * prompt, the stacking weights of the window model, the convolution and the rules (--stack), and
 * the stacked model score of each prompt that the operating point is chosen on.
 */
import type { CorpusExample } from '../../../src/eval/guards/jailbreak-corpus.js'
import { attackProbability } from '../../../src/guards/jailbreak/combined-detector.js'
import { RuleJailbreakDetector } from '../../../src/guards/jailbreak/rule-detector.js'
import {
  clippedLogit,
  type RuleCombination,
} from '../../../src/guards/jailbreak/rule-combination.js'
import type { Stack } from './options.js'
import type { OutOfFold } from './out-of-fold.js'
import { operatingStack, platt } from './stacking.js'

/** The rules' attack probability of each prompt. */
export async function rulesProbabilities(labelled: readonly CorpusExample[]): Promise<number[]> {
  const rules = new RuleJailbreakDetector()
  return Promise.all(labelled.map(async (e) => attackProbability(await rules.detect(e.text))))
}

export interface StackInputs {
  readonly stack: Stack
  readonly scores: OutOfFold
  readonly rulesP: readonly number[]
  readonly labels: readonly number[]
  /** --rules-alone: the rules' probability at which they flag on their own. */
  readonly rulesAlone: number
  /** Whether a convolution is trained (--conv-filters > 0); else only window and rules stack. */
  readonly withConv: boolean
}

/**
 * Stacking weights [a_window, (a_conv,) a_rules] and bias c, on the stacked features: the window
 * model, the convolution, and the rules' clipped logit.
 */
export function fitStack({ stack, scores, rulesP, labels, rulesAlone, withConv }: StackInputs): {
  a: number[]
  c: number
} {
  const { outOfFold, viewOof } = scores
  if (stack === 'operating')
    return operatingStack(
      labels.map((label, i) => ({
        views: [[outOfFold[i]![0]!, outOfFold[i]![1]!] as const, ...viewOof[i]!],
        rules: clippedLogit(rulesP[i]!),
        alone: rulesP[i]! >= rulesAlone,
        label,
      })),
      [0.01, 0.014, 0.018, 0.022, 0.026],
    )
  const used = outOfFold.map((x, i) => [
    x[0]!,
    ...(withConv ? [x[1]!] : []),
    clippedLogit(rulesP[i]!),
  ])
  return platt(used, labels)
}

/** The rules' part of the detector's score, as the exported folder declares it. */
export function ruleCombination(a: readonly number[], rulesAlone: number): RuleCombination {
  return { ruleWeight: a[a.length - 1]!, rulesAloneAt: rulesAlone }
}

export interface StackedScores {
  /** The whole text's model score. */
  readonly wholeText: number[]
  /** The detector's score: the most suspicious of the whole text and its other views. */
  readonly stacked: number[]
  /** As `stacked` without the sentence views (--report only). */
  readonly withoutSentences: number[]
}

/** The stacked model score (before the bias) of each prompt and of each of its views. */
export function stackedScores(
  a: readonly number[],
  withConv: boolean,
  { outOfFold, viewOof, normalisedViews }: OutOfFold,
): StackedScores {
  // The graph computes the model part; the detector adds the rules' part (combinedProbability).
  const stack = (x: readonly number[]): number => a[0]! * x[0]! + (withConv ? a[1]! * x[1]! : 0)
  const wholeText = outOfFold.map(stack)
  const stacked = wholeText.map((z, i) => Math.max(z, ...viewOof[i]!.map(stack)))
  const withoutSentences = wholeText.map((z, i) =>
    Math.max(z, ...viewOof[i]!.slice(0, normalisedViews[i]).map(stack)),
  )
  return { wholeText, stacked, withoutSentences }
}
