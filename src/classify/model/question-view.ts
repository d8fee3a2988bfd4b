/**
 * Question view of a category model that declares it (`_semantic_router.question_view` in its
 * config.json, set by training/category/train.ts, which was trained and calibrated with it): a text
 * of two or more sentences is also scored on its question sentence alone, in the same batch, and
 * when that sentence is confident on its own (its top probability ≥ `min_confidence`) the two views'
 * logits are added, so a question that names its field ("… what's the physics of conduction?") is
 * not outvoted by the setting around it. A generic question ("Any tricks?") stays under the gate —
 * the model learnt a flat distribution for such sentences from question rows in training. The
 * combination is rescaled by `temperature_ratio` (graph temperature / the temperature fitted on the
 * combined dev logits), so every text's probabilities stay calibrated. Training, the router and
 * `semantic-router eval` split and combine with these functions.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { sentenceViews } from '../../guards/jailbreak/sentences.js'

export interface QuestionView {
  /** The question sentence's own top probability from which its view is added. */
  readonly minConfidence: number
  /** Graph temperature / combined temperature: rescales the summed log-probabilities. */
  readonly temperatureRatio: number
}

const QUESTION_END = /\?["'”’)\]]*$/u

/** The text's question sentence (the last ending in '?', else the last); none for one sentence. */
export function questionSentence(text: string): string | undefined {
  const sentences = sentenceViews(text)
  if (sentences.length < 2) return undefined
  for (let i = sentences.length - 1; i >= 0; i--)
    if (QUESTION_END.test(sentences[i]!)) return sentences[i]
  return sentences[sentences.length - 1]
}

const schema = z.object({
  _semantic_router: z.object({
    question_view: z.object({
      min_confidence: z.number().min(0).max(1),
      temperature_ratio: z.number().positive(),
    }),
  }),
})

/** The question view a model folder declares (only models trained and calibrated with it do). */
export function readQuestionView(dir: string): QuestionView | undefined {
  const file = join(dir, 'config.json')
  if (!existsSync(file)) return undefined
  const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  if (!parsed.success) return undefined
  const v = parsed.data._semantic_router.question_view
  return { minConfidence: v.min_confidence, temperatureRatio: v.temperature_ratio }
}

/**
 * What a model runs for `text`, in one batch: the text, then its question sentence when the model
 * declares a view and the text has one. `viewedDistribution` turns their results into the text's.
 */
export function viewTexts(text: string, view: QuestionView | undefined): string[] {
  const question = view ? questionSentence(text) : undefined
  return question === undefined ? [text] : [text, question]
}

/**
 * The text's distribution from the probabilities of the `count` runs `viewTexts` asked for (the
 * first `count` of `dists`): the whole text's alone without a view, else combined with the
 * question's.
 */
export function viewedDistribution(
  dists: readonly ArrayLike<number>[],
  count: number,
  view: QuestionView | undefined,
): Float32Array {
  if (!view) return Float32Array.from(dists[0]!)
  return combineQuestionView(dists[0]!, count > 1 ? dists[1] : undefined, view)
}

/** Whether the question sentence's own distribution is confident enough to be added. */
export function questionGateOpen(question: ArrayLike<number>, view: QuestionView): boolean {
  let top = 0
  for (let k = 0; k < question.length; k++) top = Math.max(top, question[k]!)
  return top >= view.minConfidence
}

/**
 * The calibrated distribution of a text from its whole-text probabilities and (when it has a
 * question sentence) that sentence's: softmax(ratio · (log p_whole [+ log p_question])), which is
 * softmax((z_whole [+ z_question]) / T_combined) for a graph that folds in its temperature.
 */
export function combineQuestionView(
  whole: ArrayLike<number>,
  question: ArrayLike<number> | undefined,
  view: QuestionView,
): Float32Array {
  const add = question !== undefined && questionGateOpen(question, view)
  const s = new Float64Array(whole.length)
  let max = -Infinity
  for (let k = 0; k < whole.length; k++) {
    let v = Math.log(Math.max(whole[k]!, 1e-30))
    if (add) v += Math.log(Math.max(question[k]!, 1e-30))
    s[k] = v * view.temperatureRatio
    max = Math.max(max, s[k]!)
  }
  let sum = 0
  for (let k = 0; k < s.length; k++) sum += s[k] = Math.exp(s[k]! - max)
  return Float32Array.from(s, (v) => v / sum)
}
