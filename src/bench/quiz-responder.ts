/**
 * Makes simulated models answer benchmark questions with a configured accuracy per category, and
 * a configured gain (or loss) when reasoning is on — for demos, the quickstart and tests. The
 * simulator looks the question up in an answer key (the dataset itself) and decides, by a seeded
 * hash, whether this model answers it right. Everything it says is labelled simulated elsewhere;
 * routing decisions never come from here.
 */
import type { Responder, ResponderInput } from '../simulator/index.js'
import { LETTERS, type Question } from './datasets/types.js'
import { hashString, hashUnit } from '../seeded-random.js'

export interface QuizProfile {
  /** Probability of a right answer per category; categories not listed use `defaultAccuracy`. */
  readonly accuracy?: Readonly<Record<string, number>>
  readonly defaultAccuracy?: number
  /** Added to the accuracy when the request turns reasoning on (clamped to [0, 1]). */
  readonly reasoningGain?: number
}

const clamp = (x: number) => Math.min(1, Math.max(0, x))

/** The question part of our prompts: between "Question: " and the options (or the whole prompt). */
function questionText(prompt: string): string {
  const m = /^Question: ([\s\S]*?)\n\nOptions:/.exec(prompt)
  if (m) return m[1]!.trim()
  return prompt.split('\n\n')[0]!.trim()
}

/** How the simulated model phrases its answer; varied so answer extraction is exercised. */
function phrase(letter: string, variant: number, reasoning: boolean): string {
  const forms = [
    `The answer is (${letter}).`,
    `Answer: ${letter}`,
    `After weighing the options, the correct answer is **${letter}**.`,
    `${letter}`,
    `Final answer: \\boxed{${letter}}`,
  ]
  const body = forms[variant % forms.length]!
  return reasoning ? `Having reasoned through each option:\n\n${body}` : body
}

export interface QuizResponderOptions {
  readonly questions: readonly Question[]
  readonly profiles: Readonly<Record<string, QuizProfile>>
  /** Profile for models not in `profiles` (none: those models answer with filler text). */
  readonly defaultProfile?: QuizProfile
  readonly seed?: number
}

export function quizResponder(options: QuizResponderOptions): Responder {
  const byText = new Map<string, Question>()
  for (const q of options.questions) byText.set(q.question.trim(), q)
  const seed = options.seed ?? 42
  return (input: ResponderInput) => {
    const question = byText.get(questionText(input.promptText))
    const profile = options.profiles[input.model] ?? options.defaultProfile
    if (question === undefined || profile === undefined) return undefined
    const base = profile.accuracy?.[question.category] ?? profile.defaultAccuracy ?? 0.5
    const p = clamp(base + (input.reasoning.on ? (profile.reasoningGain ?? 0) : 0))
    // The same draw for both modes, so reasoning only ever flips answers in the gain's direction.
    const draw = hashUnit(`${seed}|${input.model}|${question.id}`)
    const h = hashString(`${question.id}|${input.model}`)
    if (question.kind === 'numeric') {
      const value = draw < p ? Number(question.answer) : Number(question.answer) + 1 + (h % 7)
      return `The total is ${value}.\n#### ${value}`
    }
    if (question.kind === 'text') return draw < p ? question.answer : 'I am not sure.'
    const right = LETTERS.indexOf(question.answer)
    const wrongOffset = 1 + (h % Math.max(1, question.options.length - 1))
    const letter =
      draw < p ? question.answer : LETTERS[(right + wrongOffset) % question.options.length]!
    return phrase(letter, h >>> 3, input.reasoning.on)
  }
}
