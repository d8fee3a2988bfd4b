/**
 * The embedded lexical embedding: its ONNX graph computes exactly the documented formula
 * (training/embedding/graph.ts, checked against a plain-JS reference on a small vocabulary), and
 * the shipped model's similarities on a fixed set of pairs are pinned by a snapshot.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import * as ort from 'onnxruntime-node'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'
import type { LoadedModel } from '../../src/ml/model.js'
import { toVector } from '../../src/ml/model.js'
import {
  lexicalGraph,
  lexicalReference,
  signTables,
  signVector,
} from '../../training/embedding/graph.js'
import { loadEmbeddingModel, SNAPSHOT_PAIRS } from '../helpers/embedding-models.js'
import { checkSimilaritySnapshot } from '../helpers/snapshots.js'

const SPEC = {
  vocabSize: 50,
  dim: 16,
  bigramWeight: 0.5,
  idf: Float32Array.from({ length: 50 }, (_, i) => (i < 5 ? 0 : 1 + (i % 7) / 3)),
  remainderRows: 7,
  seed: 42,
}

const reference = (ids: readonly number[]) => lexicalReference(SPEC, ids)

describe('lexical embedding graph', () => {
  it('computes the documented formula (unigram + order-sensitive bigram terms)', async () => {
    const session = await ort.InferenceSession.create(lexicalGraph(SPEC))
    const ids = [1, 12, 49, 7, 30, 12, 2]
    const feeds = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [
        1,
        ids.length,
      ]),
    }
    const out = (await session.run(feeds))['last_hidden_state']!
    assert.deepEqual(out.dims, [1, ids.length, SPEC.dim])
    const want = reference(ids)
    const got = out.data as Float32Array
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) < 1e-5, `at ${i}`)
    await session.release()
  })

  it('gives every token id its own sign vector, and s ≠ u', () => {
    const tables = signTables(SPEC)
    const seen = new Set<string>()
    for (let id = 0; id < SPEC.vocabSize; id++) {
      const s = signVector(tables, id, true).join(',')
      const u = signVector(tables, id, false).join(',')
      assert.ok(!seen.has(s) && s !== u, `id ${id}`)
      seen.add(s)
    }
  })

  it('is reproducible: the same seed gives the same tables, another seed others', () => {
    assert.deepEqual(signTables(SPEC), signTables(SPEC))
    assert.notDeepEqual(signTables(SPEC).a, signTables({ ...SPEC, seed: 43 }).a)
  })
})

describe('lexical embedding (shipped model, through the loader)', () => {
  let model: LoadedModel
  before(async () => {
    model = await loadEmbeddingModel(EMBEDDED_MODELS.lexicalEmbedding)
  })
  after(() => model.close())

  const PAIRS = SNAPSHOT_PAIRS

  it('matches the similarity snapshot', () =>
    checkSimilaritySnapshot('embedded-embedding', PAIRS, async (t) =>
      (await model.run(t)).map(toVector),
    ))
})
