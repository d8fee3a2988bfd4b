/**
 * The jailbreak convolution's self-attention layer (training/guards/jailbreak/attention.ts) and
 * the twins' ranking loss (conv-train.ts): the hand-written gradients of every trained array agree
 * with finite differences of the loss, and the exported ONNX graph computes the trainer's forward
 * pass (window model + attention + convolution) on a padded batch of texts of different lengths.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as ort from 'onnxruntime-node'
import {
  convScore,
  convTable,
  tableRows,
  type ConvExample,
  type ConvSpec,
} from '../../training/guards/jailbreak/conv-model.js'
import {
  ConvLearner,
  initConvModel,
  trainConvModel,
} from '../../training/guards/jailbreak/conv-train.js'
import { windowGraph } from '../../training/guards/jailbreak/graph.js'
import { seeded, type TokenVectors } from '../../training/guards/jailbreak/window-model.js'
import {
  mlpLogit,
  projectedTable,
  tableFeatures,
  trainMlpModel,
  type MlpSpec,
} from '../../training/guards/jailbreak/window-mlp.js'

const VOCAB = 12
const DIM = 6
const random = seeded(11)
const table = Float32Array.from({ length: VOCAB * DIM }, () => random() * 2)
const vectors: TokenVectors = {
  dim: DIM,
  vector: (id) => table.subarray(id * DIM, (id + 1) * DIM),
}
const CONCEPTS = 2
const flags = Float32Array.from({ length: VOCAB * CONCEPTS }, (_, i) => (i % 5 === 0 ? 1 : 0))
const spec: ConvSpec = { projected: 3, concepts: CONCEPTS, filters: 3, width: 2, attention: 2 }
const harmful: ConvExample = { ids: [1, 2, 3, 4, 7], label: 1, weight: 1 }
const benign: ConvExample = { ids: [1, 5, 3], label: 0, weight: 0.8 }

describe('jailbreak convolution with self-attention', () => {
  it('hand-written gradients match finite differences (a pair unit with the ranking loss)', () => {
    const { model, P } = initConvModel(spec, DIM, seeded(3))
    // A larger Wv than the initial one, so the attention path carries real weight here.
    const layer = model.layer!
    for (let i = 0; i < layer.Wv.length; i++) layer.Wv[i] = layer.Wv[i]! * 5
    const learner = new ConvLearner(model, P, vectors, flags, 16)
    const unit = [harmful, benign]
    const classWeight = [1.2, 0.9]
    const pair = { weight: 0.7, margin: 1 }
    learner.unit(unit, classWeight, pair)
    const g = learner.grads
    const arrays: [string, Float32Array, Float32Array][] = [
      ['K', model.K, g.K],
      ['b', model.b, g.b],
      ['u', model.u, g.u],
      ['P', P, g.P],
      ['Wq', layer.Wq, g.layer!.Wq],
      ['Wk', layer.Wk, g.layer!.Wk],
      ['Wv', layer.Wv, g.layer!.Wv],
    ]
    const analytic = arrays.map(([, , grad]) => Float32Array.from(grad))
    const analyticC = g.c[0]!
    const loss = (): number => {
      learner.clearRows()
      return learner.unit(unit, classWeight, pair)
    }
    const eps = 1e-3
    let checked = 0
    arrays.forEach(([name, values], a) => {
      for (let i = 0; i < values.length; i++) {
        const keep = values[i]!
        values[i] = keep + eps
        const up = loss()
        values[i] = keep - eps
        const down = loss()
        values[i] = keep
        const numeric = (up - down) / (2 * eps)
        const want = analytic[a]![i]!
        assert.ok(
          Math.abs(numeric - want) <= 2e-3 + 0.02 * Math.abs(want),
          `${name}[${i}]: analytic ${want}, numeric ${numeric}`,
        )
        checked++
      }
    })
    // c, the convolution's bias: dL/dc is the sum of the two twins' dL/dscore.
    const keepC = model.c
    model.c = keepC + eps
    const up = loss()
    model.c = keepC - eps
    const down = loss()
    model.c = keepC
    const numericC = (up - down) / (2 * eps)
    assert.ok(Math.abs(numericC - analyticC) <= 2e-3, `c: ${analyticC} vs ${numericC}`)
    assert.ok(checked > 90, `checked ${checked} entries`)
    // The attention layer's gradients are not all zero (the check above is not vacuous).
    assert.ok(analytic[4]!.some((x) => Math.abs(x) > 1e-4))
    assert.ok(analytic[6]!.some((x) => Math.abs(x) > 1e-4))
  })

  it('the ONNX graph computes the trainer forward pass on a padded batch', async () => {
    const examples = [
      harmful,
      benign,
      { ids: [6, 7, 8, 9], label: 1 as const, weight: 1 },
      { ids: [10, 11, 2], label: 0 as const, weight: 1 },
      { ids: [9], label: 0 as const, weight: 1 },
    ]
    const mlpSpec: MlpSpec = {
      vocabSize: VOCAB,
      buckets: 16,
      windows: [2, 4],
      projected: 3,
      concepts: CONCEPTS,
      hidden: 4,
    }
    const opts = {
      epochs: 2,
      learningRate: 0.2,
      l2: 0.001,
      seed: 1,
      vectorRate: 0.05,
      l2Vectors: 0.0001,
    }
    const mlp = trainMlpModel(mlpSpec, examples, opts, vectors, flags)
    const mlpTable = projectedTable(mlpSpec, mlp.P, vectors, flags)
    const conv = trainConvModel(
      spec,
      examples,
      { epochs: 3, rate: 0.01, l2: 0.0001, batch: 2, seed: 1, maxTokens: 16, pairLoss: pair() },
      vectors,
      flags,
      [[0, 1]],
    )
    const layer = conv.model.layer!
    for (let i = 0; i < layer.Wv.length; i++) layer.Wv[i] = layer.Wv[i]! * 5
    const ct = convTable(spec, conv.P, vectors, flags, VOCAB)
    const session = await ort.InferenceSession.create(
      windowGraph(mlp.model, mlpTable, { model: conv.model, table: ct }),
    )
    const texts = examples.map((e) => e.ids)
    const S = Math.max(...texts.map((t) => t.length))
    const ids = new BigInt64Array(texts.length * S)
    const mask = new BigInt64Array(texts.length * S)
    texts.forEach((t, b) =>
      t.forEach((id, j) => {
        ids[b * S + j] = BigInt(id)
        mask[b * S + j] = 1n
      }),
    )
    const out = await session.run({
      input_ids: new ort.Tensor('int64', ids, [texts.length, S]),
      attention_mask: new ort.Tensor('int64', mask, [texts.length, S]),
    })
    const logits = out['logits']!.data as Float32Array
    const feats = tableFeatures(mlpTable)
    const rows = tableRows(ct)
    texts.forEach((t, b) => {
      const want = mlpLogit(mlp.model, t, feats) + convScore(conv.model, t, rows)
      const got = logits[b * 2 + 1]! - logits[b * 2]!
      assert.ok(Math.abs(got - want) < 1e-4, `text ${b}: graph ${got}, trainer ${want}`)
    })
    // Attention changes the score (the comparison above covers the attention ops).
    const plain = { ...conv.model, attention: 0, layer: undefined }
    assert.ok(
      texts.some(
        (t) => Math.abs(convScore(plain, t, rows) - convScore(conv.model, t, rows)) > 1e-3,
      ),
    )
    await session.release()
  })
})

function pair() {
  return { weight: 1, margin: 1 }
}
