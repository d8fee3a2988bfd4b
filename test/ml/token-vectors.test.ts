/**
 * One word-vector table per process (src/ml/word-table.ts, src/ml/token-vectors.ts): the embedded
 * sentence embedding holds no table of its own and is fed each token's vector from the shared
 * copy, which the cache verifier uses too; a worker thread sees the same shared memory and gives
 * bit-identical vectors; a model that asks for vectors without naming a table is refused.
 */
import assert from 'node:assert/strict'
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sharedVerifierModel } from '../../src/cache/verify/learned-model.js'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'
import { readModelFolder } from '../../src/ml/folder.js'
import { DEFAULT_INFERENCE, LoadedModel, toVector } from '../../src/ml/model.js'
import { tokenVectorsFor, WORD_VECTORS_INPUT } from '../../src/ml/token-vectors.js'
import { loadWordTable, readInitializers, sharedWordTable } from '../../src/ml/word-table.js'

const TEXTS = [
  'How can I stop my dog from chewing shoes?',
  'convert 100 USD to EUR',
  'Café owners: how do I price espresso in €?',
  '', // no word with a vector
]

describe('shared word-vector table', () => {
  const folder = readModelFolder(EMBEDDED_MODELS.embedding)
  const spec = { folder, task: 'embedding' as const, labels: [], longInput: 'truncate' as const }
  let main: LoadedModel
  let worker: LoadedModel
  before(async () => {
    ;[main, worker] = await Promise.all([
      LoadedModel.load(spec, { ...DEFAULT_INFERENCE, placement: 'main' }),
      LoadedModel.load(spec, { ...DEFAULT_INFERENCE, placement: 'worker' }),
    ])
  })
  after(() => Promise.all([main?.close(), worker?.close()]))

  it('the sentence embedding takes looked-up vectors as inputs and holds no table', () => {
    const found = readInitializers(readFileSync(folder.onnxFile), ['wv_codes', 'wv_scales'])
    assert.equal(found.size, 0, 'sentence embedding still holds a word-vector table')
    assert.ok(folder.onnxBytes < 6 * 1024 * 1024, `${folder.onnxBytes} bytes`)
  })

  it('is read once per process: the embedding and the cache verifier use the same arrays', () => {
    const table = sharedWordTable(EMBEDDED_MODELS.wordVectors)
    assert.equal(sharedWordTable(`${EMBEDDED_MODELS.wordVectors}/`), table)
    const tv = tokenVectorsFor(folder)!
    assert.equal(tv.codes, table.table.codes)
    assert.ok(tv.codes.buffer instanceof SharedArrayBuffer)
    const verifier = sharedVerifierModel(EMBEDDED_MODELS.cacheVerifier)
    assert.equal(verifier.wordTable, table)
  })

  it('gives bit-identical vectors on the main thread and on a worker', async () => {
    const [a, b] = await Promise.all([main.run(TEXTS), worker.run(TEXTS)])
    a.forEach((r, i) => assert.deepEqual([...toVector(r)], [...toVector(b[i]!)], TEXTS[i]))
    // The meaning part (first 100 dimensions) is zero for a text without a known word.
    const none = toVector(a[3]!)
    assert.ok(none.subarray(0, 100).every((x) => x === 0))
    assert.ok(
      toVector(a[0]!)
        .subarray(0, 100)
        .some((x) => x !== 0),
    )
  })

  it(`refuses a model whose graph takes ${WORD_VECTORS_INPUT} but names no table`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-table-'))
    try {
      cpSync(folder.dir, dir, { recursive: true })
      const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
        _semantic_router: Record<string, unknown>
      }
      delete config._semantic_router['word_vectors_input']
      writeFileSync(join(dir, 'config.json'), JSON.stringify(config))
      await assert.rejects(
        LoadedModel.load({ ...spec, folder: readModelFolder(dir) }),
        /word_vectors_input/,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('names the file when a table folder has a tokenizer.json that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-vocab-'))
    try {
      mkdirSync(join(dir, 'onnx'))
      symlinkSync(
        join(EMBEDDED_MODELS.wordVectors, 'onnx', 'model.onnx'),
        join(dir, 'onnx', 'model.onnx'),
      )
      writeFileSync(join(dir, 'tokenizer.json'), '{"model": {"vocab": ')
      assert.throws(
        () => loadWordTable(dir),
        (err: Error) =>
          err.message.includes('tokenizer.json') && /cannot be read/.test(err.message),
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
