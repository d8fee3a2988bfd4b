/**
 * The category corpus with its splits. Sources:
 *
 * - training/data/category/<slug>.{exam,everyday}.jsonl — written for this project (issue 16);
 *   split train / dev / test by the hash of the normalised text (src/eval/splits.ts).
 * - training/data/category-voices/<slug>.{exam,everyday}.jsonl — more requests written for this
 *   project in many voices, read after category/ (so a text both hold keeps its category/ copy)
 *   and split the same way. A folder of its own because other trainers read every file in
 *   category/ as background (the sentence embedding, the jailbreak model): this folder feeds the
 *   category classifier alone.
 * - training/data/category-train.tsv — the earlier hand-written set (no exam/everyday kind): train
 *   split only.
 *
 * De-duplication, in order: rows whose normalised text or content words match an evaluation file
 * (the held-out set, bench/datasets/*.jsonl, test fixtures) are dropped; a text given two
 * different categories is dropped; repeated texts keep their first copy (a text also in
 * category-train.tsv keeps that train-only copy, so adding a line never moves a training text into
 * dev or test); a dev or test text whose content words nearly repeat a training text is dropped.
 * Because the split is a function of the normalised text, one text can never sit in two splits.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { MMLU_PRO_CATEGORIES } from '../ml/label-mapping.js'
import { dedupKey, splitOf, type Split } from './splits.js'

const ROOT = join(import.meta.dirname, '..', '..')
const DATA_DIR = join(ROOT, 'training', 'data')
const LABELS: readonly string[] = MMLU_PRO_CATEGORIES

export type Kind = 'exam' | 'everyday' | 'legacy'

export interface Row {
  readonly text: string
  readonly label: number
  readonly kind: Kind
  readonly split: Split
  readonly source: string
}

export interface Corpus {
  readonly rows: readonly Row[]
  readonly dropped: Record<string, number>
}

/** Every text an evaluation reads, whatever its format. */
export function evaluationTexts(dataDir: string = DATA_DIR): string[] {
  const texts: string[] = []
  for (const line of readFileSync(join(dataDir, 'category-heldout.tsv'), 'utf8').split('\n')) {
    if (line && !line.startsWith('#')) texts.push(line.split('\t')[2] ?? '')
  }
  const bench = join(ROOT, 'bench', 'datasets')
  for (const file of readdirSync(bench).filter((f) => f.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(bench, file), 'utf8').split('\n')) {
      if (line.trim()) texts.push(String((JSON.parse(line) as { question?: string }).question))
    }
  }
  const fixtures = JSON.parse(
    readFileSync(join(ROOT, 'test', 'fixtures', 'ml', 'category-vectors.json'), 'utf8'),
  ) as { vectors: { text: string }[] }
  texts.push(...fixtures.vectors.map((v) => v.text))
  return texts.filter((t) => t.trim() !== '')
}

const STOP = new Set(
  'a an the of to in on for and or is are was were be what which who how why when does do did can with by at from as that this it its'.split(
    ' ',
  ),
)

function contentWords(text: string): Set<string> {
  return new Set(
    dedupKey(text)
      .split(' ')
      .filter((w) => w && !STOP.has(w)),
  )
}

/** Near-duplicate test: same normalised text, or ≥ 80 % shared content words (Jaccard). */
export class NearDuplicateIndex {
  private readonly keys = new Set<string>()
  private readonly byWord = new Map<string, number[]>()
  private readonly sets: Set<string>[] = []

  constructor(texts: readonly string[]) {
    for (const t of texts) {
      this.keys.add(dedupKey(t))
      const words = contentWords(t)
      const id = this.sets.push(words) - 1
      for (const w of words) this.byWord.set(w, [...(this.byWord.get(w) ?? []), id])
    }
  }

  matches(text: string): boolean {
    if (this.keys.has(dedupKey(text))) return true
    const words = contentWords(text)
    if (words.size < 3) return false
    const shared = new Map<number, number>()
    for (const w of words)
      for (const id of this.byWord.get(w) ?? []) shared.set(id, (shared.get(id) ?? 0) + 1)
    for (const [id, n] of shared) {
      const union = words.size + this.sets[id]!.size - n
      if (n / union >= 0.8) return true
    }
    return false
  }
}

function labelOf(slug: string): number {
  const i = LABELS.indexOf(slug.replace(/-/g, ' '))
  if (i < 0) throw new Error(`training/data/category: unknown category file ${slug}`)
  return i
}

/** The folders of `<slug>.(exam|everyday).jsonl` files, in the order their rows are read. */
export const JSONL_FOLDERS = ['category', 'category-voices'] as const

function jsonlRows(dataDir: string, folder: string): Omit<Row, 'split'>[] {
  const rows: Omit<Row, 'split'>[] = []
  const dir = join(dataDir, folder)
  if (!existsSync(dir)) return rows
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()) {
    const m = /^(.+)\.(exam|everyday)\.jsonl$/.exec(file)
    if (!m)
      throw new Error(`training/data/${folder}/${file}: expected <slug>.(exam|everyday).jsonl`)
    const label = labelOf(m[1]!)
    const source = folder === 'category' ? file : `${folder}/${file}`
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return
        const { text } = JSON.parse(line) as { text: string }
        rows.push({ text, label, kind: m[2] as Kind, source: `${source}:${i + 1}` })
      })
  }
  return rows
}

function rawRows(dataDir: string): Omit<Row, 'split'>[] {
  const rows = JSONL_FOLDERS.flatMap((folder) => jsonlRows(dataDir, folder))
  readFileSync(join(dataDir, 'category-train.tsv'), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line || line.startsWith('#')) return
      const [label, text] = line.split('\t')
      const index = LABELS.indexOf(label!)
      if (index < 0) throw new Error(`category-train.tsv:${i + 1}: unknown category ${label}`)
      rows.push({
        text: text!,
        label: index,
        kind: 'legacy',
        source: `category-train.tsv:${i + 1}`,
      })
    })
  return rows
}

/** `dataDir` (default training/data) holds category/, category-train.tsv and category-heldout.tsv. */
export function loadCorpus(dataDir: string = DATA_DIR): Corpus {
  const evaluation = new NearDuplicateIndex(evaluationTexts(dataDir))
  const dropped = { evaluation_overlap: 0, conflicting_label: 0, repeated: 0, near_train: 0 }
  const raw = rawRows(dataDir)
  // The earlier hand-written set is train-only: a jsonl line repeating one of its texts must not
  // take the text's place, or adding a line would move a training text into dev or test.
  const legacy = new Set(raw.filter((r) => r.kind === 'legacy').map((r) => dedupKey(r.text)))
  const labelsOf = new Map<string, Set<number>>()
  for (const r of raw) {
    const key = dedupKey(r.text)
    labelsOf.set(key, (labelsOf.get(key) ?? new Set()).add(r.label))
  }
  const seen = new Set<string>()
  const rows: Row[] = []
  for (const r of raw) {
    const key = dedupKey(r.text)
    if (r.kind !== 'legacy' && legacy.has(key)) {
      dropped.repeated++
      continue
    }
    if (evaluation.matches(r.text)) dropped.evaluation_overlap++
    else if (labelsOf.get(key)!.size > 1) dropped.conflicting_label++
    else if (seen.has(key)) dropped.repeated++
    else rows.push({ ...r, split: r.kind === 'legacy' ? 'train' : splitOf(r.text) })
    seen.add(key)
  }
  // A dev or test text that nearly repeats a training text would measure memory, not skill.
  const train = new NearDuplicateIndex(rows.filter((r) => r.split === 'train').map((r) => r.text))
  const kept = rows.filter((r) => r.split === 'train' || !train.matches(r.text))
  dropped.near_train = rows.length - kept.length
  return { rows: kept, dropped }
}
