/**
 * Prompts sent for each question. NR is neutral (ask for the answer in a fixed form); XC asks for
 * step-by-step reasoning before the answer. Both end with a form the extractor reads reliably.
 */
import { LETTERS, type Question } from './datasets/types.js'

export type PromptStyle = 'neutral' | 'cot'

export function formatOptions(options: readonly string[]): string {
  return options.map((o, i) => `${LETTERS[i]}) ${o}`).join('\n')
}

export function buildPrompt(question: Question, style: PromptStyle): string {
  switch (question.kind) {
    case 'choice': {
      const last = LETTERS[question.options.length - 1]
      const head = `Question: ${question.question}\n\nOptions:\n${formatOptions(question.options)}\n\n`
      return style === 'cot'
        ? `${head}Think through the problem step by step, then give your final answer on the last line as "Answer: X", where X is one letter from A to ${last}.`
        : `${head}Answer with the letter of the correct option (A to ${last}) on one line as "Answer: X".`
    }
    case 'numeric':
      return style === 'cot'
        ? `${question.question}\n\nSolve it step by step, then write the final number on the last line as "#### <number>".`
        : `${question.question}\n\nGive the final number on one line as "#### <number>".`
    case 'text':
      return style === 'cot'
        ? `${question.question}\n\nThink step by step, then give the short final answer on the last line.`
        : `${question.question}\n\nGive only the short final answer.`
  }
}
