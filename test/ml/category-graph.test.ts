/**
 * The category classifier's ONNX graph computes the documented formula
 * (training/category/graph.ts): (b + Σ wₜ Pₜ / Σ wₜ + Σ Uₜ / √n) / T on int8 tables, checked
 * against plain JS on small random tables, including a text with no weighted word.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as ort from 'onnxruntime-node'
import { seededRandom } from '../../src/seeded-random.js'
import { categoryGraph } from '../../training/category/graph.js'
import { quantizeRows } from '../../training/word-vectors/graph.js'

const ROWS = 40
const L = 5
const random = seededRandom(7)
const table = () => Float32Array.from({ length: ROWS * L }, () => random() * 4 - 2)
const dequant = (t: Float32Array) => {
  const { codes, scales } = quantizeRows(t, ROWS, L)
  return Float32Array.from(codes, (c, i) => c * scales[Math.floor(i / L)]!)
}

describe('category classifier graph', () => {
  it('computes the documented formula', async () => {
    const vectorPart = table()
    const wordPart = table()
    const weights = Float32Array.from({ length: ROWS }, (_, i) => (i < 3 ? 0 : random()))
    const bias = Float32Array.from({ length: L }, () => random())
    const temperature = 0.7
    const session = await ort.InferenceSession.create(
      categoryGraph({ rows: ROWS, labels: L, vectorPart, wordPart, weights, bias, temperature }),
    )
    const P = dequant(vectorPart)
    const U = dequant(wordPart)
    for (const ids of [[5, 9, 9, 39, 1], [1, 2], [17]]) {
      const feeds = {
        input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [
          1,
          ids.length,
        ]),
      }
      const got = (await session.run(feeds))['logits']!.data as Float32Array
      const wSum = ids.reduce((s, t) => s + weights[t]!, 0)
      for (let k = 0; k < L; k++) {
        const vec = ids.reduce((s, t) => s + weights[t]! * P[t * L + k]!, 0) / Math.max(wSum, 1e-6)
        const word = ids.reduce((s, t) => s + U[t * L + k]!, 0) / Math.sqrt(ids.length)
        const want = (bias[k]! + vec + word) / temperature
        assert.ok(
          Math.abs(got[k]! - want) < 1e-4,
          `ids ${ids.join(',')} label ${k}: ${got[k]} vs ${want}`,
        )
      }
    }
    await session.release()
  })
})
