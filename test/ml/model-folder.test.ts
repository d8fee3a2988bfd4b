/** Missing and corrupt model files: clear errors naming the file and the fix, never a crash. */
import assert from 'node:assert/strict'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { isRouterError } from '../../src/errors.js'
import { readModelFolder } from '../../src/ml/folder.js'
import { readLabelMapping, resolveLabels, unmatchedCategories } from '../../src/ml/label-mapping.js'
import { LoadedModel } from '../../src/ml/model.js'
import { SEQ_LABELS, tempDir, writeSequenceModel } from '../helpers/tiny-models.js'

function rejects(fn: () => unknown, code: string, mentions: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isRouterError(err), String(err))
    assert.equal(err.code, code)
    assert.ok(err.message.includes(mentions), `${err.message} should mention ${mentions}`)
    return true
  })
}

describe('model folders', () => {
  const root = tempDir()
  const fresh = (name: string): string => writeSequenceModel(join(root, name))

  it('reads a Hugging Face folder: labels, ONNX file, max length', () => {
    const f = readModelFolder(fresh('ok'))
    assert.deepEqual(f.labels, SEQ_LABELS)
    assert.equal(f.modelType, 'bert')
    assert.ok(f.onnxFile.endsWith(join('onnx', 'model.onnx')))
    assert.equal(f.maxLength, 16)
  })

  it('names the missing folder, file or ONNX export and the fix', () => {
    rejects(() => readModelFolder(join(root, 'nope')), 'model_missing', 'models pull')
    const dir = fresh('no-tokenizer')
    rmSync(join(dir, 'tokenizer.json'))
    rejects(() => readModelFolder(dir), 'model_missing', 'tokenizer.json')
    const noOnnx = fresh('no-onnx')
    rmSync(join(noOnnx, 'onnx'), { recursive: true })
    rejects(() => readModelFolder(noOnnx), 'model_missing', 'onnx/model.onnx')
    const noConfig = fresh('no-config')
    rmSync(join(noConfig, 'config.json'))
    rejects(() => readModelFolder(noConfig), 'model_missing', 'config.json')
  })

  it('rejects corrupt config.json and missing model_type / bad id2label', () => {
    const dir = fresh('corrupt')
    writeFileSync(join(dir, 'config.json'), '{"model_type": "bert", ')
    rejects(() => readModelFolder(dir), 'model_invalid', 'not valid JSON')
    writeFileSync(join(dir, 'config.json'), '{"id2label": {"0": "a"}}')
    rejects(() => readModelFolder(dir), 'model_invalid', 'model_type')
    writeFileSync(join(dir, 'config.json'), '{"model_type": "bert", "id2label": {"7": "a"}}')
    rejects(() => readModelFolder(dir), 'model_invalid', 'id2label')
  })

  it('prefers fp32 and finds quantized variants at the root', () => {
    const dir = writeSequenceModel(join(root, 'quant'))
    rmSync(join(dir, 'onnx'), { recursive: true })
    writeSequenceModel(join(root, 'quant-src'))
    writeFileSync(join(dir, 'model_quantized.onnx'), Buffer.from('x'))
    assert.ok(readModelFolder(dir).onnxFile.endsWith('model_quantized.onnx'))
    rejects(() => readModelFolder(dir, 'fp32'), 'model_missing', 'model.onnx')
  })

  it('fails to load a corrupt ONNX file or tokenizer with the file named', async () => {
    const dir = fresh('bad-onnx')
    writeFileSync(join(dir, 'onnx', 'model.onnx'), 'not a protobuf')
    const folder = readModelFolder(dir)
    await assert.rejects(
      LoadedModel.load({
        folder,
        task: 'sequence-classification',
        labels: SEQ_LABELS,
        longInput: 'truncate',
      }),
      (err: unknown) =>
        isRouterError(err) && err.code === 'model_invalid' && err.message.includes('model.onnx'),
    )
    const dir2 = fresh('bad-tokenizer')
    writeFileSync(join(dir2, 'tokenizer.json'), '{"version": "1.0"}')
    await assert.rejects(
      LoadedModel.load({
        folder: readModelFolder(dir2),
        task: 'sequence-classification',
        labels: SEQ_LABELS,
        longInput: 'truncate',
      }),
      (err: unknown) =>
        isRouterError(err) &&
        err.code === 'model_invalid' &&
        err.message.includes('tokenizer.json'),
    )
  })

  it('refuses labels that do not match the model outputs', async () => {
    const folder = readModelFolder(fresh('labels'))
    await assert.rejects(
      LoadedModel.load({
        folder,
        task: 'sequence-classification',
        labels: ['a', 'b'],
        longInput: 'truncate',
      }),
      (err: unknown) =>
        isRouterError(err) &&
        err.code === 'model_labels_mismatch' &&
        err.message.includes('outputs 3 classes'),
    )
  })
})

describe('label mapping files (upstream formats)', () => {
  const root = tempDir()
  it('reads idx_to_category, category_to_idx and idx_to_label', () => {
    const a = join(root, 'a.json')
    writeFileSync(
      a,
      JSON.stringify({
        category_to_idx: { law: 1, business: 0 },
        idx_to_category: { 0: 'business', 1: 'law' },
      }),
    )
    assert.deepEqual(readLabelMapping(a).labels, ['business', 'law'])
    writeFileSync(a, JSON.stringify({ category_to_idx: { law: 1, business: 0 } }))
    assert.deepEqual(readLabelMapping(a).labels, ['business', 'law'])
    writeFileSync(
      a,
      JSON.stringify({
        label_to_idx: { benign: 0, jailbreak: 1 },
        idx_to_label: { 0: 'benign', 1: 'jailbreak' },
      }),
    )
    assert.deepEqual(readLabelMapping(a).labels, ['benign', 'jailbreak'])
    writeFileSync(a, JSON.stringify({ something: 1 }))
    assert.throws(() => readLabelMapping(a), /idx_to_category/)
  })
  it('reports a mapping that disagrees with the model and unmatched categories', () => {
    assert.throws(
      () => resolveLabels(['a', 'b', 'c'], { labels: ['x', 'y'] }, 'm'),
      (e: unknown) => isRouterError(e) && e.code === 'model_labels_mismatch',
    )
    assert.deepEqual(
      unmatchedCategories(
        ['math', 'law'],
        [
          { name: 'math', mmlu_categories: [] },
          { name: 'stem', mmlu_categories: ['Law'] },
          { name: 'cooking', mmlu_categories: [] },
        ],
      ),
      ['cooking'],
    )
  })
})
