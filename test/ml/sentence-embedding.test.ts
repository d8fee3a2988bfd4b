/**
 * The embedded sentence embedding (training/sentence-embedding/graph.ts): the ONNX graph computes
 * the documented formula (checked against plain JS on a small vocabulary and table), and the
 * shipped model, through the loader, gives unit vectors whose similarities on a fixed set of pairs
 * are pinned by a snapshot.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import * as ort from 'onnxruntime-node'
import { dot } from '../../src/embeddings/types.js'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'
import type { LoadedModel } from '../../src/ml/model.js'
import { toVector } from '../../src/ml/model.js'
import { fillTokenVectors, type TokenVectors } from '../../src/ml/token-vectors.js'
import { lexicalReference } from '../../training/embedding/graph.js'
import {
  meaningPart,
  sentenceGraph,
  type SentenceSpec,
} from '../../training/sentence-embedding/graph.js'
import { loadEmbeddingModel, SNAPSHOT_PAIRS } from '../helpers/embedding-models.js'
import { checkSimilaritySnapshot } from '../helpers/snapshots.js'

const V = 30
const ROWS = 10
const D = 4
const TABLE = {
  rows: ROWS,
  dim: D,
  codes: Int8Array.from({ length: ROWS * D }, (_, i) => (i < D ? 0 : ((i * 37) % 255) - 127)),
  scales: Float32Array.from({ length: ROWS }, (_, r) => 0.01 + r / 1000),
  weights: Float32Array.from({ length: ROWS }, (_, r) => (r === 0 ? 0 : 1 / (1 + r))),
}
// Ids 0-4 special, 5-14 words with vectors (rows 1-9 and 1 again), the rest pieces without.
const ROW_OF = Int32Array.from({ length: V }, (_, i) => (i >= 5 && i < 15 ? 1 + ((i - 5) % 9) : -1))
/** What the runtime feeds the graph from the shared table. */
const TOKEN_VECTORS: TokenVectors = { ...TABLE, rowOf: ROW_OF }

const SPEC: SentenceSpec = {
  lexical: {
    vocabSize: V,
    dim: 8,
    bigramWeight: 0.5,
    idf: Float32Array.from({ length: V }, (_, i) => (i < 5 ? 0 : 1 + (i % 4) / 2)),
    remainderRows: 5,
    seed: 7,
  },
  dim: D,
  centre: Float32Array.from([0.1, -0.2, 0.05, 0]),
  component: Float32Array.from([0.6, 0, 0.8, 0]),
  meaningWeight: 0.7,
}

function reference(ids: readonly number[]): Float32Array {
  const table = TABLE
  const mean = new Float32Array(D)
  let total = 0
  for (const id of ids) {
    const r = ROW_OF[id]!
    if (r < 0) continue
    const w = table.weights[r]!
    total += w
    for (let d = 0; d < D; d++) mean[d]! += w * table.codes[r * D + d]! * table.scales[r]!
  }
  const meaning =
    total > 0
      ? meaningPart(
          mean.map((x) => x / total),
          SPEC.centre,
          SPEC.component,
        )
      : mean
  const terms = lexicalReference(SPEC.lexical, ids)
  const lex = new Float32Array(SPEC.lexical.dim)
  for (let i = 0; i < terms.length; i++) lex[i % lex.length]! += terms[i]!
  const n = Math.sqrt(lex.reduce((s, x) => s + x * x, 0))
  const a = Math.sqrt(SPEC.meaningWeight)
  const b = Math.sqrt(1 - SPEC.meaningWeight)
  return Float32Array.from([...meaning.map((x) => a * x), ...lex.map((x) => (b * x) / n)])
}

async function run(session: ort.InferenceSession, ids: readonly number[]): Promise<Float32Array> {
  const shape = [1, ids.length]
  const { vectors, weights } = fillTokenVectors(TOKEN_VECTORS, [{ ids }], ids.length)
  const out = await session.run({
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), shape),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), shape),
    word_vectors: new ort.Tensor('float32', vectors, [1, ids.length, D]),
    word_weights: new ort.Tensor('float32', weights, shape),
  })
  return out['sentence_embedding']!.data as Float32Array
}

describe('sentence embedding graph', () => {
  it('computes [√α · centred SIF mean without its common direction, √(1−α) · lexical]', async () => {
    const session = await ort.InferenceSession.create(sentenceGraph(SPEC))
    for (const ids of [
      [2, 6, 9, 20, 13, 3],
      [2, 5, 5, 14, 3],
      [2, 21, 22, 3], // no word with a vector: the meaning part is zero
    ]) {
      const got = await run(session, ids)
      const want = reference(ids)
      assert.equal(got.length, D + SPEC.lexical.dim)
      for (let i = 0; i < want.length; i++)
        assert.ok(
          Math.abs(got[i]! - want[i]!) < 1e-5,
          `${ids.join()} at ${i}: ${got[i]} vs ${want[i]}`,
        )
    }
    await session.release()
  })
})

describe('embedded sentence embedding (shipped model, through the loader)', () => {
  let model: LoadedModel
  before(async () => {
    model = await loadEmbeddingModel(EMBEDDED_MODELS.embedding)
  })
  after(() => model.close())

  const PAIRS = [
    ...SNAPSHOT_PAIRS,
    ['How can I stop my dog from chewing shoes?', 'My puppy keeps gnawing on my sneakers'],
  ] as const

  it('gives unit vectors of 484 dimensions, a paraphrase closer than an unrelated text', async () => {
    const [a, b, c] = (
      await model.run([
        'How can I stop my dog from chewing shoes?',
        'My puppy keeps gnawing on my sneakers',
        'What is the boiling point of water?',
      ])
    ).map(toVector)
    assert.equal(a!.length, 484)
    assert.ok(Math.abs(dot(a!, a!) - 1) < 1e-5)
    assert.ok(dot(a!, b!) > dot(a!, c!) + 0.2, `${dot(a!, b!)} vs ${dot(a!, c!)}`)
  })

  it('matches the similarity snapshot', () =>
    checkSimilaritySnapshot('embedded-sentence-embedding', PAIRS, async (t) =>
      (await model.run(t)).map(toVector),
    ))
})
