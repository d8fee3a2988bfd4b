/**
 * The category classifier's ONNX graph computes the documented formula
 * (training/category/graph.ts): (b + Σ wₜ Pₜ / Σ wₜ + Σ Uₜ / √n + Σ Q[pⱼ] / √m) / T on int8
 * tables, checked against plain JS on small random tables, including a text with no weighted word,
 * a one-token text, padded batches, and a pair that shares a known pair's hash slot.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as ort from 'onnxruntime-node'
import { seededRandom } from '../../src/seeded-random.js'
import { categoryGraph, type PairTables } from '../../training/category/graph.js'
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

  it('adds the rows of known word pairs, once per occurrence, over √(pairs found)', async () => {
    const vectorPart = table()
    const wordPart = table()
    const weights = Float32Array.from({ length: ROWS }, () => random())
    const bias = Float32Array.from({ length: L }, () => random())
    // 13 slots, so (9,29)'s slot also receives unknown pairs such as (5,20) (220 ≡ 389 mod 13).
    // Ids 30–39 are number tokens of one length class: they enter pairs as 30, so (2,35) is the
    // known pair (2,30).
    const known: [number, number][] = [
      [5, 9],
      [9, 29],
      [2, 1],
      [2, 30],
    ]
    const numberClass = (id: number) => (id >= 30 ? 30 : id)
    const slots = new Int32Array(13)
    const keys = [-1n]
    for (const [a, b] of known) {
      slots[(a * ROWS + b) % 13] = keys.length
      keys.push(BigInt(a * ROWS + b))
    }
    const pairRows = Float32Array.from({ length: keys.length * L }, (_, i) =>
      i < L ? 0 : random() * 4 - 2,
    )
    const pairs: PairTables = {
      vocabulary: ROWS,
      numbers: { start: 30, count: 200 },
      slots,
      keys: BigInt64Array.from(keys),
      rows: pairRows,
    }
    assert.equal((5 * ROWS + 20) % 13, (9 * ROWS + 29) % 13)
    assert.equal(new Set(known.map(([a, b]) => (a * ROWS + b) % 13)).size, known.length)
    const session = await ort.InferenceSession.create(
      categoryGraph({
        rows: ROWS,
        labels: L,
        vectorPart,
        wordPart,
        weights,
        bias,
        temperature: 1,
        pairs,
      }),
    )
    const P = dequant(vectorPart)
    const U = dequant(wordPart)
    const { codes, scales } = quantizeRows(pairRows, keys.length, L)
    const Q = Float32Array.from(codes, (c, i) => c * scales[Math.floor(i / L)]!)
    const want = (ids: number[]): number[] => {
      const wSum = ids.reduce((s, t) => s + weights[t]!, 0)
      const found: number[] = []
      for (let j = 0; j + 1 < ids.length; j++) {
        const row = known.findIndex(
          ([a, b]) => a === numberClass(ids[j]!) && b === numberClass(ids[j + 1]!),
        )
        if (row >= 0) found.push(row + 1)
      }
      return Array.from({ length: L }, (_, k) => {
        const vec = ids.reduce((s, t) => s + weights[t]! * P[t * L + k]!, 0) / wSum
        const word = ids.reduce((s, t) => s + U[t * L + k]!, 0) / Math.sqrt(ids.length)
        const pair =
          found.reduce((s, r) => s + Q[r * L + k]!, 0) / Math.sqrt(Math.max(found.length, 1))
        return bias[k]! + vec + word + pair
      })
    }
    // One padded batch: the pair (9,29) repeats, (5,20) only shares a slot, (2,1) must not form
    // with the padding after the second text, one text has a single token, numbers meet their class.
    const texts = [[5, 9, 29, 9, 29, 5, 20], [7, 2], [17], [2, 1, 2, 35], [2, 39, 2, 31, 30]]
    const S = 7
    const idsData = new BigInt64Array(texts.length * S).fill(1n)
    const maskData = new BigInt64Array(texts.length * S)
    texts.forEach((t, b) =>
      t.forEach((id, j) => {
        idsData[b * S + j] = BigInt(id)
        maskData[b * S + j] = 1n
      }),
    )
    const got = (
      await session.run({
        input_ids: new ort.Tensor('int64', idsData, [texts.length, S]),
        attention_mask: new ort.Tensor('int64', maskData, [texts.length, S]),
      })
    )['logits']!.data as Float32Array
    texts.forEach((t, b) => {
      const expected = want(t)
      for (let k = 0; k < L; k++)
        assert.ok(
          Math.abs(got[b * L + k]! - expected[k]!) < 1e-4,
          `text ${t.join(',')} label ${k}: ${got[b * L + k]} vs ${expected[k]}`,
        )
    })
    // A lone token: no pair at all, so the graph must not divide by zero.
    const one = (
      await session.run({
        input_ids: new ort.Tensor('int64', BigInt64Array.from([9n]), [1, 1]),
        attention_mask: new ort.Tensor('int64', BigInt64Array.from([1n]), [1, 1]),
      })
    )['logits']!.data as Float32Array
    const expectedOne = want([9])
    for (let k = 0; k < L; k++) assert.ok(Math.abs(one[k]! - expectedOne[k]!) < 1e-4)
    await session.release()
  })
})
