/**
 * Where inference runs (inference.placement) and how text is tokenised must never change a
 * result: the embedded category model gives bit-identical probabilities on a worker thread and on
 * the main thread, and with the ASCII fast tokenizer on and off.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'
import { readModelFolder } from '../../src/ml/folder.js'
import { DEFAULT_INFERENCE, LoadedModel, toClassification } from '../../src/ml/model.js'
import { tokenVectorsFor } from '../../src/ml/token-vectors.js'
import { InferenceEngine } from '../../src/ml/worker/engine.js'
import type { SequenceResult, WorkerInit } from '../../src/ml/worker/protocol.js'

const TEXTS = [
  'What is the derivative of x^3 + 2x with respect to x?',
  'Why does my JavaScript promise never resolve?!',
  'Explain how vaccines train the immune system.\n\tBe brief.',
  'Café owners: how do I price espresso in €?',
  'Résumé tips 🙂 for a law clerk',
  '',
  'a [SEP] b',
  ...readFileSync(join(import.meta.dirname, '../../training/data/category-heldout.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .slice(0, 60)
    .map((l) => l.split('\t')[1] ?? l),
]

const folder = readModelFolder(EMBEDDED_MODELS.category)
const spec = {
  folder,
  task: 'sequence-classification' as const,
  labels: folder.labels ?? [],
  longInput: 'truncate' as const,
}

describe('inference placement', () => {
  let main: LoadedModel
  let worker: LoadedModel
  let auto: LoadedModel
  let autoSmallLimit: LoadedModel
  let autoTimeLimit: LoadedModel

  before(async () => {
    ;[main, worker, auto, autoSmallLimit, autoTimeLimit] = await Promise.all([
      LoadedModel.load(spec, { ...DEFAULT_INFERENCE, placement: 'main' }),
      LoadedModel.load(spec, { ...DEFAULT_INFERENCE, placement: 'worker' }),
      LoadedModel.load(spec, DEFAULT_INFERENCE),
      LoadedModel.load(spec, { ...DEFAULT_INFERENCE, mainThreadMaxBytes: 1024 }),
      LoadedModel.load(spec, { ...DEFAULT_INFERENCE, mainThreadMaxWindowMs: 0 }),
    ])
  })
  after(async () => {
    await Promise.all([main, worker, auto, autoSmallLimit, autoTimeLimit].map((m) => m?.close()))
  })

  it('auto runs small, fast models on the main thread and others on workers', () => {
    assert.equal(main.info.placement, 'main')
    assert.equal(main.info.workers, 0)
    assert.equal(worker.info.placement, 'worker')
    assert.equal(worker.info.workers, 1)
    assert.equal(auto.info.placement, 'main', `embedded model is ${folder.onnxBytes} bytes`)
    // Too large a file, or a full-length window slower than the limit: workers.
    assert.equal(autoSmallLimit.info.placement, 'worker')
    assert.equal(autoTimeLimit.info.placement, 'worker')
  })

  it('gives identical results on both placements, one by one and batched', async () => {
    const [fromMain, fromWorker] = await Promise.all([main.run(TEXTS), worker.run(TEXTS)])
    assert.equal(fromMain.length, TEXTS.length)
    fromMain.forEach((r, i) => {
      const a = (r as SequenceResult).probabilities
      const b = (fromWorker[i] as SequenceResult).probabilities
      assert.deepEqual([...a], [...b], TEXTS[i])
    })
    // Concurrent single requests are batched together on the main thread too.
    const singles = await Promise.all(TEXTS.map((t) => main.run([t])))
    singles.forEach((r, i) => {
      const top = toClassification(spec.labels, r[0]!).top
      assert.equal(top, toClassification(spec.labels, fromWorker[i]!).top, TEXTS[i])
    })
  })

  it('closing a main-thread model rejects what is in flight', async () => {
    const model = await LoadedModel.load(spec, { ...DEFAULT_INFERENCE, placement: 'main' })
    const rejected = assert.rejects(model.run(TEXTS), { code: 'inference_failed' })
    await model.close()
    await rejected
  })
})

describe('fast tokenizer', () => {
  const embedding = readModelFolder(EMBEDDED_MODELS.embedding)
  const init = (fastTokenizer: boolean, f = folder): WorkerInit => ({
    onnxFile: f.onnxFile,
    tokenizerFile: f.tokenizerFile,
    task: f === folder ? 'sequence-classification' : 'embedding',
    labels: f === folder ? spec.labels : [],
    maxLength: folder.maxLength,
    longInput: 'truncate',
    overlap: 64,
    maxChunks: 256,
    maxBatch: 32,
    intraOpThreads: 1,
    interOpThreads: 1,
    aggregate: 'mean',
    benignIndex: 0,
    fastTokenizer,
    tokenVectors: tokenVectorsFor(f),
  })

  it('does not change any probability', async () => {
    const [fast, native] = await Promise.all([
      InferenceEngine.create(init(true)),
      InferenceEngine.create(init(false)),
    ])
    try {
      const [a, b] = await Promise.all([
        fast.runJobs(TEXTS.map((t) => [t])),
        native.runJobs(TEXTS.map((t) => [t])),
      ])
      a.forEach((r, i) => {
        assert.ok(Array.isArray(r) && Array.isArray(b[i]))
        const pa = (r[0] as SequenceResult).probabilities
        const pb = ((b[i] as SequenceResult[])[0] as SequenceResult).probabilities
        assert.deepEqual([...pa], [...pb], TEXTS[i])
      })
    } finally {
      await Promise.all([fast.close(), native.close()])
    }
  })

  it('gives the same vectors with [CLS]/[SEP] read from tokenizer.json (sentence embedding)', async () => {
    const [fast, native] = await Promise.all([
      InferenceEngine.create(init(true, embedding)),
      InferenceEngine.create(init(false, embedding)),
    ])
    try {
      const [a, b] = await Promise.all([
        fast.runJobs(TEXTS.map((t) => [t])),
        native.runJobs(TEXTS.map((t) => [t])),
      ])
      assert.deepEqual(a, b)
    } finally {
      await Promise.all([fast.close(), native.close()])
    }
  })

  it('loads the native tokenizer only for text the fast path declines', async () => {
    const engine = await InferenceEngine.create(init(true))
    try {
      await engine.runJobs(TEXTS.filter((t) => !t.includes('[SEP]')).map((t) => [t]))
      assert.equal(engine.nativeTokenizerLoaded, false)
      await engine.runJobs([['a [PAD] b']])
      assert.equal(engine.nativeTokenizerLoaded, true)
    } finally {
      await engine.close()
    }
  })
})
