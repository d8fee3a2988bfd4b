/**
 * The embedded lexical embedding: its ONNX graph computes exactly the documented formula
 * (training/embedding/graph.ts, checked against a plain-JS reference on a small vocabulary), and
 * the shipped model's similarities on a fixed set of pairs are pinned by a snapshot.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import * as ort from 'onnxruntime-node'
import { dot } from '../../src/embeddings/types.js'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'
import { readModelFolder } from '../../src/ml/folder.js'
import { LoadedModel, toVector } from '../../src/ml/model.js'
import { lexicalGraph, signTables, signVector } from '../../training/embedding/graph.js'
import { checkSnapshot, round2 } from '../helpers/snapshots.js'

const SPEC = {
  vocabSize: 50,
  dim: 16,
  bigramWeight: 0.5,
  idf: Float32Array.from({ length: 50 }, (_, i) => (i < 5 ? 0 : 1 + (i % 7) / 3)),
  remainderRows: 7,
  seed: 42,
}

/** h_i = s(t_i) ⊙ (idf_i + β·√(idf_i·idf_{i+1})·u(t_{i+1})), in plain JS. */
function reference(ids: readonly number[]): Float32Array {
  const tables = signTables(SPEC)
  const out = new Float32Array(ids.length * SPEC.dim)
  ids.forEach((id, i) => {
    const s = signVector(tables, id, true)
    const next = ids[i + 1]
    const u = next === undefined ? null : signVector(tables, next, false)
    const pw =
      next === undefined ? 0 : SPEC.bigramWeight * Math.sqrt(SPEC.idf[id]! * SPEC.idf[next]!)
    for (let d = 0; d < SPEC.dim; d++)
      out[i * SPEC.dim + d] = s[d]! * (SPEC.idf[id]! + pw * (u ? u[d]! : 0))
  })
  return out
}

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

describe('embedded lexical embedding (shipped model, through the loader)', () => {
  let model: LoadedModel
  before(async () => {
    model = await LoadedModel.load({
      folder: readModelFolder(EMBEDDED_MODELS.embedding),
      task: 'embedding',
      labels: [],
      longInput: 'truncate',
    })
  })
  after(() => model.close())

  const PAIRS: [string, string][] = [
    ['What is the capital of France?', "What's the capital city of France?"],
    ['convert 100 USD to EUR', 'convert 100 EUR to USD'],
    ['derivative of x cubed', 'derivative of x squared'],
    ['How do vaccines work?', 'Recommend a good pizza place'],
    ['', 'hello'],
    ['こんにちは、元気ですか', 'こんにちは'],
  ]

  it('matches the similarity snapshot', async () => {
    const rows = []
    for (const [a, b] of PAIRS) {
      const [va, vb] = (await model.run([a, b])).map(toVector)
      rows.push({ a, b, cosine: round2([dot(va!, vb!)])[0] })
    }
    checkSnapshot('embedded-embedding', rows)
  })
})
