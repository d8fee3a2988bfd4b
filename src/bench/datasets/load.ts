/** Dataset registry: name → layout mapper; loading from local files; per-category sampling. */
import { seededShuffle } from '../../seeded-random.js'
import { arc, generic, gpqa, gsm8k, mmluPro, type Mapper } from './formats.js'
import { readRecords } from './read-records.js'
import { DatasetError, type LoadedDataset, type Question } from './types.js'

export interface DatasetSpec {
  readonly mapper: Mapper
  readonly description: string
  /** Split picked from a directory holding several (Hugging Face snapshot). */
  readonly defaultSplit?: string
}

export const DATASETS: Readonly<Record<string, DatasetSpec>> = {
  'mmlu-pro': {
    mapper: mmluPro,
    description: 'MMLU-Pro (Hugging Face layout: question_id, question, options, answer, category)',
    defaultSplit: 'test',
  },
  arc: {
    mapper: arc,
    description: 'ARC Easy/Challenge (Hub layout or original JSONL)',
    defaultSplit: 'test',
  },
  gpqa: { mapper: gpqa, description: 'GPQA main/extended/diamond (CSV or JSON with its columns)' },
  gsm8k: { mapper: gsm8k, description: 'GSM8K (numeric answers after ####)', defaultSplit: 'test' },
  jsonl: { mapper: generic, description: 'Generic JSONL: question, options?, answer, category?' },
}

const ALIASES: Record<string, string> = {
  mmlu: 'mmlu-pro',
  mmlu_pro: 'mmlu-pro',
  'arc-easy': 'arc',
  'arc-challenge': 'arc',
  'gpqa-main': 'gpqa',
  'gpqa-extended': 'gpqa',
  'gpqa-diamond': 'gpqa',
  generic: 'jsonl',
}

export function datasetNames(): string[] {
  return Object.keys(DATASETS)
}

function resolveName(name: string): string {
  const key = ALIASES[name.toLowerCase()] ?? name.toLowerCase()
  if (!(key in DATASETS)) {
    throw new DatasetError(`unknown dataset "${name}" (known: ${datasetNames().join(', ')})`)
  }
  return key
}

export async function loadDataset(
  name: string,
  path: string,
  options: { seed?: number; split?: string } = {},
): Promise<LoadedDataset> {
  const key = resolveName(name)
  const spec = DATASETS[key]!
  const split = options.split ?? spec.defaultSplit
  const { records, files } = await readRecords(path, split === undefined ? {} : { split })
  const ctx = { dataset: key, source: files.join(' '), seed: options.seed ?? 42 }
  const questions: Question[] = []
  const skipped: string[] = []
  const seen = new Set<string>()
  records.forEach((record, i) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      skipped.push(`record ${i}: not an object`)
      return
    }
    const q = spec.mapper(record, i, ctx)
    if (typeof q === 'string') skipped.push(q)
    else if (seen.has(q.id)) skipped.push(`${q.id}: duplicate id`)
    else {
      seen.add(q.id)
      questions.push(q)
    }
  })
  if (questions.length === 0) {
    const why = skipped.slice(0, 3).join('; ')
    throw new DatasetError(
      `${path}: no usable ${key} records in ${records.length}${why ? ` (${why})` : ''}`,
    )
  }
  return { name: key, questions, skipped }
}

export interface SampleOptions {
  /** Questions per category (all when undefined or 0). */
  perCategory?: number
  /** Only these categories; an unknown one is an error naming the known ones. */
  categories?: readonly string[]
  seed?: number
}

/** Seeded per-category sample, in a stable order (category, then sampled order). */
export function sampleQuestions(
  questions: readonly Question[],
  options: SampleOptions = {},
): Question[] {
  const byCategory = new Map<string, Question[]>()
  for (const q of questions) {
    const list = byCategory.get(q.category) ?? []
    list.push(q)
    byCategory.set(q.category, list)
  }
  let categories = [...byCategory.keys()].sort()
  if (options.categories !== undefined && options.categories.length > 0) {
    const lower = new Map(categories.map((c) => [c.toLowerCase(), c]))
    const wanted = options.categories.map((c) => lower.get(c.trim().toLowerCase()) ?? c.trim())
    const unknown = wanted.filter((c) => !byCategory.has(c))
    if (unknown.length > 0) {
      throw new DatasetError(
        `unknown categor${unknown.length > 1 ? 'ies' : 'y'} ${unknown.join(', ')} (dataset has: ${categories.join(', ')})`,
      )
    }
    categories = categories.filter((c) => wanted.includes(c))
  }
  const seed = options.seed ?? 42
  return categories.flatMap((category) => {
    const shuffled = seededShuffle(byCategory.get(category)!, seed)
    const n = options.perCategory
    return n === undefined || n <= 0 ? shuffled : shuffled.slice(0, n)
  })
}
