/**
 * The ONNX graph of the embedded category classifier. The trained model (training/lib/softmax.ts,
 * linear head) is
 *
 *   logits = (b + W · Σ wₜ vₜ / Σ wₜ + Σ u[rₜ] / √n + Σ q[pⱼ] / √m) / T
 *
 * with vₜ the pretrained word vector of token t, wₜ its frequency weight, u the learned per-word
 * rows, n the token count, q the learned rows of the m known word pairs pⱼ (two consecutive token
 * ids, from a fixed list of frequent training pairs; 0 when none) and T the temperature fitted on
 * the dev split. Because the head is
 * linear in the pooled vector, W · vₜ is precomputed per token: the graph gathers two [vocab, 14]
 * int8 tables (vector part and word part) instead of the 100-wide vector table, which keeps the
 * file small enough to run on the router's thread and the lookup 7× narrower.
 */
import onnxProto from 'onnx-proto'
import { GraphBuilder } from '../lib/onnx-graph.js'
import { quantizeRows } from '../word-vectors/graph.js'

const FLOAT = onnxProto.onnx.TensorProto.DataType.FLOAT

export interface CategoryTables {
  readonly rows: number
  readonly labels: number
  /** [rows, labels]: W · vₜ per token (zero rows for tokens without a vector). */
  readonly vectorPart: Float32Array
  /** [rows]: pooling weight wₜ (0 for tokens without a vector). */
  readonly weights: Float32Array
  /** [rows, labels]: learned word rows u. */
  readonly wordPart: Float32Array
  readonly bias: Float32Array
  readonly temperature: number
  /** Word pairs, when the model has them. */
  readonly pairs?: PairTables
}

/**
 * Known word pairs as an open hash: pair key = first id · vocabulary + second id; `slots[key mod
 * slots.length]` is the pair's row (1-based; 0 = none) and `keys[row]` its key, so a pair that only
 * shares a slot with a known one finds a different key and counts for nothing.
 */
export interface PairTables {
  readonly vocabulary: number
  /**
   * Number tokens [start, start + count) enter pairs as their length class, like their word rows:
   * start for 1–2 digits, start + 100 for 3–4 ("$ 150" and "$ 4200" are the same pair).
   */
  readonly numbers: { readonly start: number; readonly count: number }
  /** [modulus] row index per slot (0 = empty). */
  readonly slots: Int32Array
  /** [1 + pairs] key per row (row 0: −1, matches nothing). */
  readonly keys: BigInt64Array
  /** [1 + pairs, labels] learned pair rows (row 0 zero). */
  readonly rows: Float32Array
}

/** [B,S,L] float rows of an int8 table with per-row scales, gathered by `indices` ([B,S]). */
function gatherQuantized(
  g: GraphBuilder,
  name: string,
  table: Float32Array,
  rows: number,
  width: number,
  indices = 'input_ids',
): string {
  const { codes, scales } = quantizeRows(table, rows, width)
  g.constant(`${name}_codes`, [rows, width], codes)
  g.constant(`${name}_scales`, [rows], scales)
  const gathered = g.op('Cast', [g.op('Gather', [`${name}_codes`, indices], { axis: 0 })], {
    to: FLOAT,
  })
  const scale = g.op('Gather', [`${name}_scales`, indices], { axis: 0 })
  return g.op('Mul', [gathered, g.op('Unsqueeze', [scale, g.int64([2])])])
}

export function categoryGraph(t: CategoryTables): Uint8Array {
  const g = new GraphBuilder()
  const axis1 = g.int64([1])
  const mask = g.op('Cast', ['attention_mask'], { to: FLOAT })
  // Vector part: weighted mean of W·vₜ.
  g.constant('weights', [t.rows], t.weights)
  const w = g.op('Mul', [g.op('Gather', ['weights', 'input_ids'], { axis: 0 }), mask])
  const vec = gatherQuantized(g, 'vector_part', t.vectorPart, t.rows, t.labels)
  const vecSum = g.op(
    'ReduceSum',
    [g.op('Mul', [vec, g.op('Unsqueeze', [w, g.int64([2])])]), axis1],
    { keepdims: 0 },
  )
  const wSum = g.op('ReduceSum', [w, axis1], { keepdims: 1 })
  const vecMean = g.op('Div', [vecSum, g.op('Max', [wSum, g.float([1e-6], [])])])
  // Word part: Σ u / √n.
  const words = gatherQuantized(g, 'word_part', t.wordPart, t.rows, t.labels)
  const wordSum = g.op(
    'ReduceSum',
    [g.op('Mul', [words, g.op('Unsqueeze', [mask, g.int64([2])])]), axis1],
    { keepdims: 0 },
  )
  const n = g.op('ReduceSum', [mask, axis1], { keepdims: 1 })
  const wordMean = g.op('Div', [wordSum, g.op('Sqrt', [g.op('Max', [n, g.float([1], [])])])])
  g.constant('bias', [t.labels], t.bias)
  let raw = g.op('Add', [g.op('Add', [vecMean, wordMean]), 'bias'])
  if (t.pairs) raw = g.op('Add', [raw, pairMean(g, t.pairs, t.labels, mask)])
  g.op('Mul', [raw, g.float([1 / t.temperature], [])], {}, 'logits')
  return g.encode([{ name: 'logits', dims: ['batch', t.labels] }])
}

/** Σ q[pⱼ] / √m over the known pairs of consecutive tokens ([B, L]). */
function pairMean(g: GraphBuilder, p: PairTables, labels: number, mask: string): string {
  const axis1 = g.int64([1])
  const head = (x: string) => g.op('Slice', [x, g.int64([0]), g.int64([-1]), axis1])
  const tail = (x: string) => g.op('Slice', [x, axis1, g.int64([Number.MAX_SAFE_INTEGER]), axis1])
  const ids = numberClasses(g, p.numbers)
  const key = g.op('Add', [g.op('Mul', [head(ids), g.int64([p.vocabulary], [])]), tail(ids)])
  g.constant('pair_slots', [p.slots.length], p.slots)
  g.constant('pair_keys', [p.keys.length], p.keys)
  const row = g.op('Gather', ['pair_slots', g.op('Mod', [key, g.int64([p.slots.length], [])])], {
    axis: 0,
  })
  const known = g.op(
    'Cast',
    [g.op('Equal', [g.op('Gather', ['pair_keys', row], { axis: 0 }), key])],
    {
      to: FLOAT,
    },
  )
  const m = g.op('Mul', [known, g.op('Mul', [head(mask), tail(mask)])])
  const rows = gatherQuantized(g, 'pair_rows', p.rows, p.keys.length, labels, row)
  const sum = g.op(
    'ReduceSum',
    [g.op('Mul', [rows, g.op('Unsqueeze', [m, g.int64([2])])]), axis1],
    {
      keepdims: 0,
    },
  )
  const count = g.op('ReduceSum', [m, axis1], { keepdims: 1 })
  return g.op('Div', [sum, g.op('Sqrt', [g.op('Max', [count, g.float([1], [])])])])
}

/** input_ids with every number token replaced by its length class (PairTables.numbers). */
function numberClasses(g: GraphBuilder, n: PairTables['numbers']): string {
  const rel = g.op('Sub', ['input_ids', g.int64([n.start], [])])
  const isNumber = g.op('And', [
    g.op('GreaterOrEqual', [rel, g.int64([0], [])]),
    g.op('Less', [rel, g.int64([n.count], [])]),
  ])
  const cls = g.op('Where', [
    g.op('Less', [rel, g.int64([100], [])]),
    g.int64([n.start], []),
    g.int64([n.start + 100], []),
  ])
  return g.op('Where', [isNumber, cls, 'input_ids'])
}
