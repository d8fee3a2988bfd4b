/**
 * The ONNX graph of the embedded category classifier. The trained model (training/lib/softmax.ts,
 * linear head) is
 *
 *   logits = (b + W · Σ wₜ vₜ / Σ wₜ + Σ u[rₜ] / √n) / T
 *
 * with vₜ the pretrained word vector of token t, wₜ its frequency weight, u the learned per-word
 * rows, n the token count and T the temperature fitted on the dev split. Because the head is
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
}

/** [B,S,L] float rows of an int8 table with per-row scales, gathered by input_ids. */
function gatherQuantized(
  g: GraphBuilder,
  name: string,
  table: Float32Array,
  rows: number,
  width: number,
): string {
  const { codes, scales } = quantizeRows(table, rows, width)
  g.constant(`${name}_codes`, [rows, width], codes)
  g.constant(`${name}_scales`, [rows], scales)
  const gathered = g.op('Cast', [g.op('Gather', [`${name}_codes`, 'input_ids'], { axis: 0 })], {
    to: FLOAT,
  })
  const scale = g.op('Gather', [`${name}_scales`, 'input_ids'], { axis: 0 })
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
  const raw = g.op('Add', [g.op('Add', [vecMean, wordMean]), 'bias'])
  g.op('Mul', [raw, g.float([1 / t.temperature], [])], {}, 'logits')
  return g.encode([{ name: 'logits', dims: ['batch', t.labels] }])
}
