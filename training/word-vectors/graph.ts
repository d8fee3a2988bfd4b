/**
 * ONNX pieces for an 8-bit word-vector table: the table itself (int8 codes, one float scale per
 * row, one pooling weight per row) and the weighted mean over a text's tokens. The word-vector
 * model is exactly these pieces; classifiers built on the vectors (category, jailbreak) add the
 * same pieces to their own graph and put their head on top.
 */
import onnxProto from 'onnx-proto'
import { GraphBuilder } from '../lib/onnx-graph.js'

const FLOAT = onnxProto.onnx.TensorProto.DataType.FLOAT

/** Per-row symmetric int8 quantisation of a [rows, dim] table, plus a pooling weight per row. */
export interface QuantizedTable {
  readonly rows: number
  readonly dim: number
  readonly codes: Int8Array
  readonly scales: Float32Array
  readonly weights: Float32Array
}

/** Names of the nodes addVectorTable adds, for the head built on top. */
export interface PooledVectors {
  /** [batch, seq, dim] dequantized vectors. */
  readonly tokens: string
  /** [batch, seq] pooling weight × attention mask. */
  readonly weights: string
  /** [batch, dim] weighted mean (zero for a text with no known word). */
  readonly mean: string
  /** [batch, 1] sum of the weights (0 for a text with no known word). */
  readonly weightSum: string
}

/** Quantise row by row: code = round(v / scale), scale = max |v| / 127. */
export function quantizeRows(
  vectors: Float32Array,
  rows: number,
  dim: number,
): { codes: Int8Array; scales: Float32Array } {
  const codes = new Int8Array(rows * dim)
  const scales = new Float32Array(rows)
  for (let r = 0; r < rows; r++) {
    let max = 0
    for (let d = 0; d < dim; d++) max = Math.max(max, Math.abs(vectors[r * dim + d]!))
    const scale = max / 127
    scales[r] = scale
    if (scale === 0) continue
    for (let d = 0; d < dim; d++) codes[r * dim + d] = Math.round(vectors[r * dim + d]! / scale)
  }
  return { codes, scales }
}

/** Dequantised row r of a table (what the graph computes). */
export function dequantizedRow(table: QuantizedTable, r: number): Float32Array {
  const out = new Float32Array(table.dim)
  const s = table.scales[r]!
  for (let d = 0; d < table.dim; d++) out[d] = table.codes[r * table.dim + d]! * s
  return out
}

/**
 * Add the table (prefix `wv_`) and the weighted mean of the vectors of `ids` (table rows, int64
 * [batch, seq]; `input_ids` unless a model maps its own vocabulary onto the table) to a graph.
 */
export function addVectorTable(
  g: GraphBuilder,
  table: QuantizedTable,
  ids = 'input_ids',
): PooledVectors {
  g.constant('wv_codes', [table.rows, table.dim], table.codes)
  g.constant('wv_scales', [table.rows], table.scales)
  g.constant('wv_weights', [table.rows], table.weights)
  const codes = g.op('Gather', ['wv_codes', ids], { axis: 0 })
  const scale = g.op('Unsqueeze', [g.op('Gather', ['wv_scales', ids], { axis: 0 }), g.int64([2])])
  const tokens = g.op('Mul', [g.op('Cast', [codes], { to: FLOAT }), scale])
  const mask = g.op('Cast', ['attention_mask'], { to: FLOAT })
  const weights = g.op('Mul', [g.op('Gather', ['wv_weights', ids], { axis: 0 }), mask])
  return pool(g, tokens, weights)
}

/** Weighted mean of token vectors [batch, seq, dim] with weights [batch, seq]. */
function pool(g: GraphBuilder, tokens: string, weights: string): PooledVectors {
  const weighted = g.op('Mul', [tokens, g.op('Unsqueeze', [weights, g.int64([2])])])
  const sum = g.op('ReduceSum', [weighted, g.int64([1])], { keepdims: 0 })
  const weightSum = g.op('ReduceSum', [weights, g.int64([1])], { keepdims: 1 })
  const mean = g.op('Div', [sum, g.op('Max', [weightSum, g.float([1e-6], [])])])
  return { tokens, weights, mean, weightSum }
}

/**
 * The same pooled vectors from inputs the router fills from its one shared copy of the table
 * (src/ml/token-vectors.ts): `word_vectors` [batch, seq, dim] (each token's dequantised vector,
 * zero without one) and `word_weights` [batch, seq] (its pooling weight × attention mask). A model
 * built on these holds no table of its own.
 */
export function addVectorInputs(g: GraphBuilder, dim: number): PooledVectors {
  return pool(
    g,
    g.input('word_vectors', ['batch', 'sequence', dim]),
    g.input('word_weights', ['batch', 'sequence']),
  )
}

/**
 * The word-vector model: `sentence_embedding` [batch, dim] (weighted mean; the runtime
 * L2-normalises it), `token_embeddings` [batch, seq, dim] and `token_weights` [batch, seq].
 */
export function wordVectorGraph(table: QuantizedTable): Uint8Array {
  const g = new GraphBuilder()
  const pooled = addVectorTable(g, table)
  g.op('Identity', [pooled.mean], {}, 'sentence_embedding')
  g.op('Identity', [pooled.tokens], {}, 'token_embeddings')
  g.op('Identity', [pooled.weights], {}, 'token_weights')
  return g.encode([
    { name: 'sentence_embedding', dims: ['batch', table.dim] },
    { name: 'token_embeddings', dims: ['batch', 'sequence', table.dim] },
    { name: 'token_weights', dims: ['batch', 'sequence'] },
  ])
}
