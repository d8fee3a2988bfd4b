/**
 * ONNX graph of the embedded lexical sentence embedding. Each token position gets
 *
 *   h_i = idf[t_i] · s(t_i) + β · √(idf[t_i]·idf[t_{i+1}]) · s(BIGRAM + t_i·V + t_{i+1})
 *
 * where s(x) ∈ {−1,+1}^D is a pseudo-random sign vector computed in the graph from x and the
 * dimension index (integer hashing mod the prime 2^31−1), so no D×V matrix is stored — only the
 * idf vector. The output is `last_hidden_state` [B,S,D]; the runtime mean-pools it over the
 * attention mask and L2-normalises, exactly as for a sentence-transformers model. The bigram term
 * makes the embedding order-sensitive ("USD to EUR" ≠ "EUR to USD").
 */
import { GraphBuilder } from '../lib/onnx-graph.js'

const P = 2147483647
export const HASH = { a: 1000003, b: 7919, c: 12345, k: 48271, e: 99991, bigramOffset: 4000000007 }

export interface LexicalSpec {
  readonly vocabSize: number
  readonly dim: number
  readonly bigramWeight: number
  readonly idf: Float32Array
}

/** Sign vector bits for integer ids [.., 1] against dims [D] → float ±1 [.., D]. */
function signs(g: GraphBuilder, ids: string, dims: string): string {
  const mod = g.int64([P], [])
  let x = g.op('Add', [g.op('Mul', [ids, g.int64([HASH.a], [])]), dims])
  x = g.op('Mod', [g.op('Add', [x, g.int64([HASH.c], [])]), mod])
  x = g.op('Mod', [g.op('Mul', [x, x]), mod])
  x = g.op('Mod', [
    g.op('Add', [g.op('Mul', [x, g.int64([HASH.k], [])]), g.int64([HASH.e], [])]),
    mod,
  ])
  x = g.op('Mod', [g.op('Mul', [x, x]), mod])
  const bit = g.op('Mod', [g.op('Div', [x, g.int64([65536], [])]), g.int64([2], [])])
  const f = g.op('Cast', [bit], { to: 1 })
  return g.op('Sub', [g.op('Mul', [f, g.float([2], [])]), g.float([1], [])])
}

/** The same sign function in JS (BigInt), for tests and analysis. */
export function signOf(id: bigint, d: number): number {
  const p = BigInt(P)
  let x = (id * BigInt(HASH.a) + BigInt(d) * BigInt(HASH.b) + BigInt(HASH.c)) % p
  x = (x * x) % p
  x = (x * BigInt(HASH.k) + BigInt(HASH.e)) % p
  x = (x * x) % p
  return (x / 65536n) % 2n === 1n ? 1 : -1
}

export function lexicalGraph(spec: LexicalSpec): Uint8Array {
  const g = new GraphBuilder()
  const D = spec.dim
  g.constant('idf', [spec.vocabSize], spec.idf)
  const dims = g.int64(
    Array.from({ length: D }, (_, d) => d * HASH.b),
    [1, 1, D],
  )
  const ids3 = g.op('Unsqueeze', ['input_ids', g.int64([2])])
  const w = g.op('Gather', ['idf', 'input_ids'], { axis: 0 })
  const w3 = g.op('Unsqueeze', [w, g.int64([2])])
  const unigram = g.op('Mul', [signs(g, ids3, dims), w3])

  const axis = g.int64([1])
  const left = g.op('Slice', ['input_ids', g.int64([0]), g.int64([-1]), axis])
  const right = g.op('Slice', ['input_ids', g.int64([1]), g.int64([2 ** 62]), axis])
  const pair = g.op('Add', [
    g.op('Add', [g.op('Mul', [left, g.int64([spec.vocabSize], [])]), right]),
    g.int64([HASH.bigramOffset], []),
  ])
  const wl = g.op('Slice', [w, g.int64([0]), g.int64([-1]), axis])
  const wr = g.op('Slice', [w, g.int64([1]), g.int64([2 ** 62]), axis])
  const pw = g.op('Mul', [g.op('Sqrt', [g.op('Mul', [wl, wr])]), g.float([spec.bigramWeight], [])])
  const bigram = g.op('Mul', [
    signs(g, g.op('Unsqueeze', [pair, g.int64([2])]), dims),
    g.op('Unsqueeze', [pw, g.int64([2])]),
  ])
  // Bigram i sits at position i; the last position has none (pad one zero row on the sequence axis).
  const padded = g.op('Pad', [bigram, g.int64([0, 0, 0, 0, 1, 0])])
  g.op('Add', [unigram, padded], {}, 'last_hidden_state')
  return g.encode([{ name: 'last_hidden_state', dims: ['batch', 'sequence', D] }])
}
