/**
 * Upstream's label mapping files (`category_mapping_path`, `pii_mapping_path`,
 * `jailbreak_mapping_path`) and the checks that tie a model's labels to the config.
 *
 *   category:           {"category_to_idx": {...}, "idx_to_category": {"0": "business", ...}, ...}
 *   PII / jailbreak:    {"label_to_idx": {...}, "idx_to_label": {"0": "...", ...}}
 *
 * The mapping file, when given, names the model's output indices; otherwise config.json id2label
 * does. When both exist they must agree in size.
 */
import { RouterError } from '../errors.js'
import { invalid, readJsonObject } from './folder.js'

/** Upstream's default MMLU-Pro label order (website technical-details page). */
export const MMLU_PRO_CATEGORIES = [
  'business',
  'law',
  'psychology',
  'biology',
  'chemistry',
  'history',
  'other',
  'health',
  'economics',
  'math',
  'physics',
  'computer science',
  'philosophy',
  'engineering',
] as const

export interface LabelMapping {
  /** Labels in output-index order. */
  readonly labels: readonly string[]
  readonly categorySystemPrompts?: Readonly<Record<string, string>>
  readonly categoryDescriptions?: Readonly<Record<string, string>>
}

export function readLabelMapping(file: string): LabelMapping {
  const json = readJsonObject(file)
  const indexed = json['idx_to_category'] ?? json['idx_to_label']
  const named = json['category_to_idx'] ?? json['label_to_idx']
  let labels: string[] | null = null
  if (isRecord(indexed)) labels = fromIndexToName(indexed, file)
  else if (isRecord(named)) labels = fromNameToIndex(named, file)
  if (labels === null) {
    throw invalid(
      file,
      'has neither "idx_to_category"/"category_to_idx" nor "idx_to_label"/"label_to_idx"',
    )
  }
  if (labels.length < 2) throw invalid(file, 'must name at least 2 labels')
  const prompts = json['category_system_prompts']
  const descriptions = json['category_descriptions']
  return {
    labels,
    ...(isStringRecord(prompts) ? { categorySystemPrompts: prompts } : {}),
    ...(isStringRecord(descriptions) ? { categoryDescriptions: descriptions } : {}),
  }
}

function fromIndexToName(map: Record<string, unknown>, file: string): string[] {
  const labels: string[] = []
  const size = Object.keys(map).length
  for (const [key, value] of Object.entries(map)) {
    const index = Number(key)
    if (!Number.isInteger(index) || index < 0 || index >= size || typeof value !== 'string') {
      throw invalid(file, `entry "${key}" must map an index 0..${size - 1} to a label name`)
    }
    labels[index] = value
  }
  return labels
}

function fromNameToIndex(map: Record<string, unknown>, file: string): string[] {
  const labels: string[] = []
  const size = Object.keys(map).length
  for (const [name, value] of Object.entries(map)) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= size) {
      throw invalid(file, `label "${name}" must map to an index 0..${size - 1}`)
    }
    labels[value] = name
  }
  return labels
}

/**
 * Decide the labels of a classifier: the mapping file's when configured (it must have as many
 * entries as the model has outputs), else config.json id2label.
 */
export function resolveLabels(
  modelLabels: readonly string[] | null,
  mapping: LabelMapping | null,
  where: string,
): readonly string[] {
  if (mapping) {
    if (modelLabels && modelLabels.length !== mapping.labels.length) {
      throw new RouterError(
        'model_labels_mismatch',
        `${where}: the mapping file names ${mapping.labels.length} labels but config.json id2label has ${modelLabels.length}; use the mapping file that came with the model`,
        { details: { mapping: mapping.labels, model: modelLabels } },
      )
    }
    return mapping.labels
  }
  if (!modelLabels) {
    throw new RouterError(
      'model_invalid',
      `${where}: config.json has no id2label and no mapping file is configured; add id2label or set the *_mapping_path`,
    )
  }
  return modelLabels
}

/**
 * Check that every category the config routes on can be produced by the model. A config category
 * matches a label by name or through `mmlu_categories` (case-insensitive). Returns the config
 * categories with no matching label, so the caller can fail (strict) or warn.
 */
export function unmatchedCategories(
  labels: readonly string[],
  categories: readonly { name: string; mmlu_categories: readonly string[] }[],
): string[] {
  const known = new Set(labels.map((l) => l.toLowerCase()))
  return categories
    .filter((c) => {
      const names = [c.name, ...c.mmlu_categories].map((n) => n.toLowerCase())
      return !names.some((n) => known.has(n))
    })
    .map((c) => c.name)
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isStringRecord(v: unknown): v is Record<string, string> {
  return isRecord(v) && Object.values(v).every((x) => typeof x === 'string')
}
