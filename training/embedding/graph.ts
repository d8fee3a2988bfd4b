/**
 * ONNX graph of the embedded lexical sentence embedding. Each token position gets
 *
 *   h_i = s(t_i) ⊙ ( idf[t_i] + β · √(idf[t_i]·idf[t_{i+1}]) · u(t_{i+1}) )
 *
 * i.e. the unigram term idf·s(t_i) plus the bigram term whose sign vector is s(t_i) ⊙ u(t_{i+1}).
 * s and u are pseudo-random ±1 vectors in D dimensions, each the elementwise product of two rows
 * of small sign tables picked by the token id's remainder and quotient by R:
 *
 *   s(t) = A[t mod R] ⊙ B[⌊t / R⌋]        u(t) = C[t mod R] ⊙ E[⌊t / R⌋]
 *
 * Distinct ids differ in at least one row, so every token has its own sign vector and any two are
 * uncorrelated in expectation, as with a full V×D random matrix; the tables hold (2R + 2⌈V/R⌉)·D
 * int8 values instead of V·D (0.5 MB for V = 66,574, R = 512, D = 384). Looking rows up costs a few
 * Gathers per text, where hashing every (token, dimension) in the graph cost ~0.7 ms.
 *
 * The output is `last_hidden_state` [B,S,D]; the runtime mean-pools it over the attention mask and
 * L2-normalises, exactly as for a sentence-transformers model. The bigram term makes the embedding
 * order-sensitive ("USD to EUR" ≠ "EUR to USD"): s(a) ⊙ u(b) and s(b) ⊙ u(a) are unrelated.
 * Special tokens have idf 0, so they contribute nothing, and neither does a pair with padding.
 */
import { GraphBuilder } from '../lib/onnx-graph.js'
import { seededRandom } from '../../src/seeded-random.js'

/** onnx TensorProto.DataType.FLOAT */
const FLOAT = 1

export interface LexicalSpec {
  readonly vocabSize: number
  readonly dim: number
  readonly bigramWeight: number
  readonly idf: Float32Array
  /** Rows of the remainder tables (R). */
  readonly remainderRows: number
  /** Seed of the sign tables' PRNG. */
  readonly seed: number
}

export interface SignTables {
  readonly rows: number
  readonly quotientRows: number
  readonly dim: number
  /** A, B, C, E in the formula above, row-major ±1. */
  readonly a: Int8Array
  readonly b: Int8Array
  readonly c: Int8Array
  readonly e: Int8Array
}

/** 32-bit draws from the project's seeded PRNG, so the tables (and the model file) are reproducible. */
function random32(seed: number): () => number {
  const next = seededRandom(seed)
  // seededRandom returns uint32 / 2^32, so this multiplication restores the integer exactly.
  return () => next() * 4294967296
}

export function signTables(
  spec: Pick<LexicalSpec, 'vocabSize' | 'dim' | 'remainderRows' | 'seed'>,
): SignTables {
  const next = random32(spec.seed)
  const table = (rows: number): Int8Array => {
    const out = new Int8Array(rows * spec.dim)
    for (let i = 0; i < out.length; i++) out[i] = next() & 1 ? 1 : -1
    return out
  }
  const quotientRows = Math.ceil(spec.vocabSize / spec.remainderRows)
  return {
    rows: spec.remainderRows,
    quotientRows,
    dim: spec.dim,
    a: table(spec.remainderRows),
    b: table(quotientRows),
    c: table(spec.remainderRows),
    e: table(quotientRows),
  }
}

/** s(t) (left = true) or u(t) from the tables, in JS: the reference the tests check the graph by. */
export function signVector(tables: SignTables, id: number, left: boolean): Float32Array {
  const r = id % tables.rows
  const q = Math.floor(id / tables.rows)
  const [x, y] = left ? [tables.a, tables.b] : [tables.c, tables.e]
  const out = new Float32Array(tables.dim)
  for (let d = 0; d < tables.dim; d++) out[d] = x[r * tables.dim + d]! * y[q * tables.dim + d]!
  return out
}

/** h_i = s(t_i) ⊙ (idf_i + β·√(idf_i·idf_{i+1})·u(t_{i+1})) in plain JS: the reference for tests. */
export function lexicalReference(spec: LexicalSpec, ids: readonly number[]): Float32Array {
  const tables = signTables(spec)
  const out = new Float32Array(ids.length * spec.dim)
  ids.forEach((id, i) => {
    const s = signVector(tables, id, true)
    const next = ids[i + 1]
    const u = next === undefined ? null : signVector(tables, next, false)
    const pw =
      next === undefined ? 0 : spec.bigramWeight * Math.sqrt(spec.idf[id]! * spec.idf[next]!)
    for (let d = 0; d < spec.dim; d++)
      out[i * spec.dim + d] = s[d]! * (spec.idf[id]! + pw * (u ? u[d]! : 0))
  })
  return out
}

export function lexicalGraph(spec: LexicalSpec): Uint8Array {
  const g = new GraphBuilder()
  g.op('Identity', [addLexicalBranch(g, spec)], {}, 'last_hidden_state')
  return g.encode([{ name: 'last_hidden_state', dims: ['batch', 'sequence', spec.dim] }])
}

/** The per-position terms above, [batch, seq, dim], added to a graph (inputs: `input_ids`). */
export function addLexicalBranch(g: GraphBuilder, spec: LexicalSpec): string {
  const D = spec.dim
  const t = signTables(spec)
  const table = (name: string, rows: number, data: Int8Array): string =>
    g.op('Cast', [g.constant(name, [rows, D], data)], { to: FLOAT })
  const A = table('sign_a', t.rows, t.a)
  const B = table('sign_b', t.quotientRows, t.b)
  const C = table('sign_c', t.rows, t.c)
  const E = table('sign_e', t.quotientRows, t.e)
  g.constant('idf', [spec.vocabSize], spec.idf)

  const R = g.int64([t.rows], [])
  const rem = g.op('Mod', ['input_ids', R])
  const quo = g.op('Div', ['input_ids', R])
  const gather = (tab: string, ids: string) => g.op('Gather', [tab, ids], { axis: 0 })
  const s = g.op('Mul', [gather(A, rem), gather(B, quo)])
  const u = g.op('Mul', [gather(C, rem), gather(E, quo)])

  const axis = g.int64([1])
  const all = g.int64([2 ** 62])
  const w = g.op('Gather', ['idf', 'input_ids'], { axis: 0 })
  const wl = g.op('Slice', [w, g.int64([0]), g.int64([-1]), axis])
  const wr = g.op('Slice', [w, g.int64([1]), all, axis])
  const pw = g.op('Mul', [g.op('Sqrt', [g.op('Mul', [wl, wr])]), g.float([spec.bigramWeight], [])])
  const uNext = g.op('Slice', [u, g.int64([1]), all, axis])
  const bigram = g.op('Mul', [uNext, g.op('Unsqueeze', [pw, g.int64([2])])])
  // Bigram i sits at position i; the last position has none (pad one zero row on the sequence axis).
  const padded = g.op('Pad', [bigram, g.int64([0, 0, 0, 0, 1, 0])])
  const weights = g.op('Add', [padded, g.op('Unsqueeze', [w, g.int64([2])])])
  return g.op('Mul', [s, weights])
}
