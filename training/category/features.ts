/**
 * Features of the category classifier, computed from exactly the token ids the shipped model sees:
 * its tokenizer is the word-vector vocabulary plus numbers (0–9999, which share two learned rows by
 * length) and the training words the vectors lack (seen at least `minCount` times). Each text
 * gives the SIF-weighted mean of its word vectors (dense), its token ids (sparse word rows) and,
 * optionally, the known word pairs among its consecutive tokens (sparse pair rows after the word
 * rows): pairs seen at least `pairs.minCount` times in the written training texts whose two
 * words both occur in the training texts of at least `pairs.minCategories` categories, weighted
 * `pairs.scale / √m` for m pairs found (the words keep 1/√n).
 */
import { rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Tokenizer } from 'tokenizers'
import { AsciiWordPiece } from '../../src/ml/worker/ascii-wordpiece.js'
import { wordLevelTokenizerJson } from '../lib/hf-folder.js'
import type { SoftmaxExample, SoftmaxModel } from '../lib/softmax.js'
import { weightedMean, type WordVectors } from '../lib/word-vectors.js'
import type { CategoryTables, PairTables } from './graph.js'

export interface TextRow {
  readonly text: string
  readonly label: number
  readonly split: string
  readonly kind: string
  readonly weight: number
}

export interface PairOptions {
  readonly minCount: number
  /**
   * Both words of a kept pair occur in the written training texts of at least this many
   * categories: a pair of everyday words ("my boss", "my dog") can then only tell a situation, never
   * repeat one field's own vocabulary or one writer's phrasing (unrestricted pairs cost 2 of the 84
   * MMLU-Pro sample questions; docs/classifiers.md).
   */
  readonly minCategories: number
  readonly scale: number
}

export interface Example extends SoftmaxExample {
  readonly split: string
  readonly kind: string
  readonly text: string
}

export interface Featurised {
  readonly vocab: readonly string[]
  readonly examples: readonly Example[]
  /** Rows of the sparse word table the trainer learns. */
  readonly featureRows: number
  /** The graph's tables for a trained model (linear head) and temperature. */
  exportTables(model: SoftmaxModel, temperature: number): CategoryTables
}

const NUMBERS = 10_000
/** BertNormalizer + BertPreTokenizer on ASCII, for counting the words the vectors lack. */
const WORD = /[^\s!-/:-@[-`{-~]+|[!-/:-@[-`{-~]/g

function normalise(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
}

export async function buildFeatures(
  wv: WordVectors,
  input: {
    rows: readonly TextRow[]
    extra: readonly TextRow[]
    minCount: number
    pairs?: PairOptions
  },
): Promise<Featurised> {
  const all = [...input.rows, ...input.extra]
  const counts = new Map<string, number>()
  for (const r of all) {
    if (r.split !== 'train') continue
    for (const w of normalise(r.text).match(WORD) ?? [])
      if (!wv.ids.has(w) && !/^\d+$/.test(w)) counts.set(w, (counts.get(w) ?? 0) + 1)
  }
  const extras = [...counts]
    .filter(([, c]) => c >= input.minCount)
    .map(([w]) => w)
    .sort()
  const vocab = [...wv.words, ...Array.from({ length: NUMBERS }, (_, i) => String(i)), ...extras]
  const numberStart = wv.rows
  // Numbers share one learned row per length class: 1–2 digits, 3–4 digits.
  const featureRow = (id: number): number => {
    if (id < numberStart || id >= numberStart + NUMBERS) return id
    return id - numberStart < 100 ? numberStart : numberStart + 100
  }
  const ids = await encodeAll(
    vocab,
    all.map((r) => r.text),
  )
  const pairs = input.pairs
    ? knownPairs(
        vocab.length,
        input.rows.flatMap((r, i) =>
          r.split === 'train' ? [{ ids: ids[i]!.map(featureRow), label: r.label }] : [],
        ),
        input.pairs,
        { start: numberStart, count: NUMBERS },
      )
    : undefined
  const examples: Example[] = all.map((r, i) => {
    const tokens = ids[i]!
    const words = tokens.map(featureRow)
    const found = pairs ? pairRows(pairs, words).map((p) => vocab.length + p - 1) : []
    return {
      ids: pairs ? [...words, ...found] : words,
      ...(pairs && {
        idScale: Float32Array.from({ length: words.length + found.length }, (_, j) =>
          j < words.length
            ? 1 / Math.sqrt(words.length)
            : input.pairs!.scale / Math.sqrt(found.length),
        ),
      }),
      x: weightedMean(
        wv,
        tokens.filter((t) => t < wv.rows),
      ),
      label: r.label,
      weight: r.weight,
      split: r.split,
      kind: r.kind,
      text: r.text,
    }
  })
  return {
    vocab,
    examples,
    featureRows: vocab.length + (pairs ? pairs.keys.length - 1 : 0),
    exportTables(model, temperature) {
      const L = model.labels
      const rows = vocab.length
      const vectorPart = new Float32Array(rows * L)
      const weights = new Float32Array(rows)
      for (let t = 0; t < wv.rows; t++) {
        weights[t] = wv.weights[t]!
        const v = wv.vector(t)
        for (let k = 0; k < L; k++) {
          let s = 0
          for (let d = 0; d < wv.dim; d++) s += v[d]! * model.w1[d * L + k]!
          vectorPart[t * L + k] = s
        }
      }
      const wordPart = new Float32Array(rows * L)
      for (let t = 0; t < rows; t++) {
        const r = featureRow(t)
        for (let k = 0; k < L; k++) wordPart[t * L + k] = model.table[r * L + k]!
      }
      const pairTables = pairs && {
        ...pairs,
        rows: Float32Array.from({ length: pairs.keys.length * L }, (_, i) =>
          i < L
            ? 0
            : model.table[(rows + Math.floor(i / L) - 1) * L + (i % L)]! * input.pairs!.scale,
        ),
      }
      return {
        rows,
        labels: L,
        vectorPart,
        weights,
        wordPart,
        bias: model.bias,
        temperature,
        ...(pairTables && { pairs: pairTables }),
      }
    },
  }
}

/** Token ids as the runtime computes them: the ASCII fast path, the native tokenizer otherwise. */
async function encodeAll(vocab: readonly string[], texts: readonly string[]): Promise<number[][]> {
  const json = wordLevelTokenizerJson(vocab)
  const fast = AsciiWordPiece.fromJson(JSON.parse(json) as object)!
  const file = join(tmpdir(), `sr-category-tokenizer-${process.pid}.json`)
  writeFileSync(file, json)
  const native = Tokenizer.fromFile(file)
  rmSync(file)
  native.disableTruncation()
  native.disablePadding()
  return Promise.all(
    texts.map(
      async (t) =>
        fast.encode(t) ?? (await native.encode(t, null, { addSpecialTokens: false })).getIds(),
    ),
  )
}

/** The 1-based pair rows of a text's consecutive feature rows that are known pairs (graph.ts). */
function pairRows(p: Omit<PairTables, 'rows'>, tokens: readonly number[]): number[] {
  const out: number[] = []
  for (let j = 0; j + 1 < tokens.length; j++) {
    const key = tokens[j]! * p.vocabulary + tokens[j + 1]!
    const row = p.slots[key % p.slots.length]!
    if (row > 0 && p.keys[row] === BigInt(key)) out.push(row)
  }
  return out
}

/** 2^17 − 1, a prime: slots for a few thousand pairs with few collisions. */
const PAIR_SLOTS = 131_071

/**
 * Pairs of consecutive feature rows (token ids, numbers by length class) seen at least
 * `minCount` times in the given texts, both of whose words occur in texts of at least
 * `minCategories` labels, most frequent first (ties by key); a pair whose slot is already taken is
 * left out, so every kept pair has its own slot and the graph needs one lookup.
 */
export function knownPairs(
  vocabulary: number,
  texts: readonly { readonly ids: readonly number[]; readonly label: number }[],
  options: PairOptions,
  numbers: PairTables['numbers'],
): Omit<PairTables, 'rows'> {
  const labelsOf = new Map<number, Set<number>>()
  for (const { ids, label } of texts)
    for (const id of ids) {
      let seen = labelsOf.get(id)
      if (!seen) labelsOf.set(id, (seen = new Set()))
      seen.add(label)
    }
  const shared = (id: number): boolean => (labelsOf.get(id)?.size ?? 0) >= options.minCategories
  const counts = new Map<number, number>()
  for (const { ids: t } of texts)
    for (let j = 0; j + 1 < t.length; j++) {
      if (!shared(t[j]!) || !shared(t[j + 1]!)) continue
      const key = t[j]! * vocabulary + t[j + 1]!
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
  const frequent = [...counts]
    .filter(([, c]) => c >= options.minCount)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
  const slots = new Int32Array(PAIR_SLOTS)
  const keys: bigint[] = [-1n]
  for (const [key] of frequent) {
    const slot = key % PAIR_SLOTS
    if (slots[slot] !== 0) continue
    slots[slot] = keys.length
    keys.push(BigInt(key))
  }
  return { vocabulary, numbers, slots, keys: BigInt64Array.from(keys) }
}
