/**
 * Record → Question for each supported dataset layout. A mapper returns a string (why the record
 * is unusable) instead of throwing, so one bad row does not lose a whole dataset.
 */
import { hashString, seededShuffle } from '../../seeded-random.js'
import { LETTERS, type Question } from './types.js'
import type { RawRecord } from './read-records.js'

export interface MapContext {
  readonly dataset: string
  /** Source path, for layouts whose category is in the file name (ARC-Challenge / ARC-Easy). */
  readonly source: string
  readonly seed: number
}

export type Mapper = (record: RawRecord, index: number, ctx: MapContext) => Question | string

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined

function optionList(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map((v) => str(v) ?? '').filter((v) => v !== '')
  if (value !== null && typeof value === 'object') {
    // {"A": "...", "B": "..."} keyed by letter
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a.localeCompare(b),
    )
    return entries.map(([, v]) => str(v) ?? '')
  }
  return undefined
}

/** A letter, an index, or the option text itself → the answer letter. */
function answerLetter(answer: unknown, options: readonly string[]): string | undefined {
  if (typeof answer === 'number' && Number.isInteger(answer)) {
    return answer >= 0 && answer < options.length ? LETTERS[answer] : undefined
  }
  const text = str(answer)?.trim()
  if (text === undefined || text === '') return undefined
  const letter = /^\(?([A-Za-z])\)?\.?$/.exec(text)?.[1]?.toUpperCase()
  if (letter !== undefined && LETTERS.indexOf(letter) < options.length) return letter
  const byText = options.findIndex((o) => o.trim() === text)
  return byText === -1 ? undefined : LETTERS[byText]
}

function choice(
  ctx: MapContext,
  id: string,
  category: string,
  question: string | undefined,
  options: string[] | undefined,
  answer: unknown,
  cot?: string,
): Question | string {
  if (question === undefined || question.trim() === '') return `${id}: no question text`
  if (options === undefined || options.length < 2) return `${id}: needs at least two options`
  if (options.length > LETTERS.length) return `${id}: more than ${LETTERS.length} options`
  const letter = answerLetter(answer, options)
  if (letter === undefined)
    return `${id}: answer ${JSON.stringify(answer)} is not one of the options`
  return {
    id,
    dataset: ctx.dataset,
    category,
    question,
    options,
    answer: letter,
    kind: 'choice',
    ...(cot ? { cot } : {}),
  }
}

/** Hugging Face TIGER-Lab/MMLU-Pro: question_id, question, options, answer, answer_index, category. */
export const mmluPro: Mapper = (r, i, ctx) => {
  const id = str(r['question_id']) ?? String(i)
  // The raw release padded options with "N/A"; the cleaned one does not. Drop the padding.
  const options = optionList(r['options'])?.filter((o) => o !== 'N/A')
  const category = str(r['category'])?.trim().toLowerCase()
  if (!category) return `${id}: no category`
  const answer = r['answer'] ?? r['answer_index']
  return choice(ctx, id, category, str(r['question']), options, answer, str(r['cot_content']))
}

/** ARC (allenai/ai2_arc on the Hub, or the original JSONL with question.stem / question.choices). */
export const arc: Mapper = (r, i, ctx) => {
  const id = str(r['id']) ?? String(i)
  let question = str(r['question'])
  let labels: string[] = []
  let texts: string[] | undefined
  const q = r['question']
  if (q !== null && typeof q === 'object') {
    const inner = q as Record<string, unknown>
    question = str(inner['stem'])
    const choices = Array.isArray(inner['choices']) ? (inner['choices'] as RawRecord[]) : []
    texts = choices.map((c) => str(c['text']) ?? '')
    labels = choices.map((c) => str(c['label']) ?? '')
  } else {
    const choices = (r['choices'] ?? {}) as Record<string, unknown>
    texts = optionList(choices['text'])
    labels = (optionList(choices['label']) ?? []).map(String)
  }
  // Labels are A-E or 1-5; the answer key uses the same labels. Map by position.
  const key = str(r['answerKey'])?.trim()
  const position = key === undefined ? -1 : labels.indexOf(key)
  const subset = /challenge/i.test(ctx.source + id)
    ? 'ARC-Challenge'
    : /easy/i.test(ctx.source + id)
      ? 'ARC-Easy'
      : 'ARC'
  return choice(ctx, id, subset, question, texts, position === -1 ? key : position)
}

/** GPQA CSV/JSON (Question, Correct Answer, Incorrect Answer 1-3, High-level domain). */
export const gpqa: Mapper = (r, i, ctx) => {
  const id = str(r['Record ID']) ?? str(r['id']) ?? String(i)
  const correct = str(r['Correct Answer'])?.trim()
  const wrong = [1, 2, 3].map((n) => str(r[`Incorrect Answer ${n}`])?.trim())
  if (!correct || wrong.some((w) => !w)) return `${id}: needs a correct and three incorrect answers`
  // GPQA lists the correct answer first; shuffle (seeded per question) so position is no hint.
  const options = seededShuffle([correct, ...(wrong as string[])], hashString(id) ^ ctx.seed)
  const category = (str(r['High-level domain']) ?? 'gpqa').trim().toLowerCase()
  return choice(ctx, id, category, str(r['Question']), options, options.indexOf(correct))
}

/** GSM8K: question, answer ending in "#### <number>". */
export const gsm8k: Mapper = (r, i, ctx) => {
  const id = str(r['id']) ?? String(i)
  const question = str(r['question'])
  const answer = str(r['answer'])
  const final = answer === undefined ? undefined : /####\s*([-\d.,]+)/.exec(answer)?.[1]
  if (!question) return `${id}: no question text`
  if (final === undefined) return `${id}: answer has no "#### <number>" line`
  const number = final.replace(/,/g, '')
  if (!Number.isFinite(Number(number))) return `${id}: "${final}" is not a number`
  return {
    id,
    dataset: ctx.dataset,
    category: 'math',
    question,
    options: [],
    answer: number,
    kind: 'numeric',
    cot: answer!,
  }
}

/**
 * Generic JSONL: {id?, question | prompt, options | choices?, answer, category?}. With options the
 * answer is a letter, an index or the option text; without, a number is compared numerically and
 * anything else as normalised text.
 */
export const generic: Mapper = (r, i, ctx) => {
  const id = str(r['id']) ?? str(r['question_id']) ?? String(i)
  const question = str(r['question']) ?? str(r['prompt'])
  const category = (str(r['category']) ?? 'other').trim().toLowerCase()
  const options = optionList(r['options'] ?? r['choices'])
  if (options !== undefined && options.length > 0) {
    return choice(ctx, id, category, question, options, r['answer'] ?? r['answer_index'])
  }
  const answer = str(r['answer'])?.trim()
  if (!question) return `${id}: no question text`
  if (!answer) return `${id}: no answer`
  const numeric = answer.replace(/[,$]/g, '')
  const kind = numeric !== '' && Number.isFinite(Number(numeric)) ? 'numeric' : 'text'
  return {
    id,
    dataset: ctx.dataset,
    category,
    question,
    options: [],
    answer: kind === 'numeric' ? numeric : answer,
    kind,
  }
}
