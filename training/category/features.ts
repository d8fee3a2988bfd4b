/**
 * Features of the category classifier, computed from exactly the token ids the shipped model sees:
 * its tokenizer is the word-vector vocabulary plus numbers (0–9999, which share two learned rows by
 * length) and the training words the vectors lack (seen at least `minCount` times). Each text
 * gives the SIF-weighted mean of its word vectors (dense) and its token ids (sparse word rows).
 */
import { rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Tokenizer } from 'tokenizers'
import { AsciiWordPiece } from '../../src/ml/worker/ascii-wordpiece.js'
import { wordLevelTokenizerJson } from '../lib/hf-folder.js'
import type { SoftmaxExample, SoftmaxModel } from '../lib/softmax.js'
import { weightedMean, type WordVectors } from '../lib/word-vectors.js'
import type { CategoryTables } from './graph.js'

export interface TextRow {
  readonly text: string
  readonly label: number
  readonly split: string
  readonly kind: string
  readonly weight: number
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
  input: { rows: readonly TextRow[]; extra: readonly TextRow[]; minCount: number },
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
  const examples: Example[] = all.map((r, i) => {
    const tokens = ids[i]!
    return {
      ids: tokens.map(featureRow),
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
    featureRows: vocab.length,
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
      return { rows, labels: L, vectorPart, weights, wordPart, bias: model.bias, temperature }
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
