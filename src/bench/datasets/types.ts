/** A benchmark question, whatever dataset it came from. */
export type AnswerKind = 'choice' | 'numeric' | 'text'

export interface Question {
  /** Stable id from the dataset (question_id, id, Record ID, or the row number). */
  readonly id: string
  /** Dataset name (mmlu-pro, arc, gpqa, gsm8k, jsonl). */
  readonly dataset: string
  /** Category used for per-category metrics and routing (MMLU-Pro's 14, or the dataset's own). */
  readonly category: string
  readonly question: string
  /** Answer options for multiple choice; empty otherwise. Option i has letter A+i. */
  readonly options: readonly string[]
  /** A letter for `choice`, a number written as text for `numeric`, the expected text for `text`. */
  readonly answer: string
  readonly kind: AnswerKind
  /** Worked solution, when the dataset has one (MMLU-Pro cot_content). */
  readonly cot?: string
}

export interface LoadedDataset {
  readonly name: string
  readonly questions: readonly Question[]
  /** Records that could not be used, with why (the load continues without them). */
  readonly skipped: readonly string[]
}

/** A problem with a dataset file: missing, unreadable, malformed, or with no usable record. */
export class DatasetError extends Error {
  override readonly name = 'DatasetError'
}

export const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'

/** The 14 MMLU-Pro categories, in the dataset's own spelling. */
export const MMLU_PRO_CATEGORIES = [
  'biology',
  'business',
  'chemistry',
  'computer science',
  'economics',
  'engineering',
  'health',
  'history',
  'law',
  'math',
  'other',
  'philosophy',
  'physics',
  'psychology',
] as const
