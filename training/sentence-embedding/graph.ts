/**
 * ONNX graph of the embedded sentence embedding: two unit-length parts side by side,
 *
 *   sentence_embedding = [ √α · unit(P(mean_w − μ)) ,  √(1−α) · unit(Σ lexical terms) ]
 *
 * - meaning: the frequency-weighted (SIF) mean of pretrained word vectors, centred on the mean of
 *   a background corpus (μ) and with its common direction removed (P = I − u uᵀ, u the first
 *   principal component of the centred background means), as in Arora et al.'s SIF. Without the
 *   centring every two English sentences score about 0.9.
 * - wording: the lexical embedding (training/embedding/graph.ts): IDF-weighted sign vectors of
 *   tokens and token pairs, so exact words, numbers and order still count.
 *
 * The cosine of two such vectors is α · cos(meaning) + (1 − α) · cos(wording). One WordPiece
 * vocabulary serves both parts: every word of the vector table is a whole token, and words the
 * table lacks (numbers, identifiers, rare words) still split into pieces the wording part sees. A
 * text with no known word has a zero meaning part.
 *
 * The graph holds no word-vector table: it takes each token's vector and pooling weight as the
 * inputs `word_vectors` / `word_weights`, which the router fills from its one shared copy of
 * models/word-vectors (src/ml/token-vectors.ts; config.json `word_vectors_input`).
 */
import { GraphBuilder } from '../lib/onnx-graph.js'
import { addLexicalBranch, type LexicalSpec } from '../embedding/graph.js'
import { addVectorInputs } from '../word-vectors/graph.js'

export interface SentenceSpec {
  readonly lexical: LexicalSpec
  /** Dimension of the word vectors. */
  readonly dim: number
  /** Background mean of the weighted word-vector means (μ). */
  readonly centre: Float32Array
  /** First principal component of the centred background means (u, unit length). */
  readonly component: Float32Array
  /** Share of the meaning part in the cosine (α). */
  readonly meaningWeight: number
}

export function sentenceGraph(spec: SentenceSpec): Uint8Array {
  const g = new GraphBuilder()
  const D = spec.dim
  const axis1 = g.int64([1])

  const pooled = addVectorInputs(g, D)
  const centred = g.op('Sub', [pooled.mean, g.constant('wv_centre', [1, D], spec.centre)])
  const u = g.constant('wv_component', [D, 1], spec.component)
  const along = g.op('MatMul', [centred, u])
  const removed = g.op('Sub', [centred, g.op('MatMul', [along, g.op('Transpose', [u])])])
  // Zero when the text has no word with a vector (weightSum = 0), not the centre's opposite.
  const known = g.op('Min', [g.op('Mul', [pooled.weightSum, g.float([1e9], [])]), g.float([1], [])])
  const meaning = g.op('Mul', [unit(g, removed, axis1), known])

  const wording = unit(
    g,
    g.op('ReduceSum', [addLexicalBranch(g, spec.lexical), axis1], { keepdims: 0 }),
    axis1,
  )

  g.op(
    'Concat',
    [
      g.op('Mul', [meaning, g.float([Math.sqrt(spec.meaningWeight)], [])]),
      g.op('Mul', [wording, g.float([Math.sqrt(1 - spec.meaningWeight)], [])]),
    ],
    { axis: 1 },
    'sentence_embedding',
  )
  return g.encode([{ name: 'sentence_embedding', dims: ['batch', D + spec.lexical.dim] }])
}

/** x / max(‖x‖, ε) along axis 1. */
function unit(g: GraphBuilder, x: string, axis1: string): string {
  const norm = g.op('Sqrt', [g.op('ReduceSum', [g.op('Mul', [x, x]), axis1], { keepdims: 1 })])
  return g.op('Div', [x, g.op('Max', [norm, g.float([1e-9], [])])])
}

/** The same vector in JS, for tests and for fitting μ and u: the meaning part before weighting. */
export function meaningPart(
  mean: Float32Array,
  centre: Float32Array,
  component: Float32Array,
): Float32Array {
  const v = mean.map((x, d) => x - centre[d]!)
  let along = 0
  for (let d = 0; d < v.length; d++) along += v[d]! * component[d]!
  for (let d = 0; d < v.length; d++) v[d] = v[d]! - along * component[d]!
  let n = 0
  for (const x of v) n += x * x
  n = Math.sqrt(n)
  return n > 0 ? v.map((x) => x / n) : v
}
