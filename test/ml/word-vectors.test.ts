/**
 * The embedded word-vector model (models/word-vectors): it loads through the ordinary model
 * loader, its graph computes the documented weighted mean of the int8 table (checked against the
 * same table read back in plain JS), the pretrained vectors carry meaning, and the artefact stays
 * within its size budget without the vectors package being an install dependency.
 */
import assert from 'node:assert/strict'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { dot } from '../../src/embeddings/types.js'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'
import { readModelFolder } from '../../src/ml/folder.js'
import { LoadedModel, toVector } from '../../src/ml/model.js'
import { l2Normalise } from '../../src/ml/postprocess.js'
import { loadWordVectors, weightedMean, type WordVectors } from '../../training/lib/word-vectors.js'
import { quantizeRows } from '../../training/word-vectors/graph.js'

const ROOT = join(import.meta.dirname, '..', '..')

describe('embedded word vectors', () => {
  let model: LoadedModel
  let wv: WordVectors
  const embed = async (texts: string[]) => (await model.run(texts)).map(toVector)

  before(async () => {
    const folder = readModelFolder(EMBEDDED_MODELS.wordVectors)
    model = await LoadedModel.load({ folder, task: 'embedding', labels: [], longInput: 'chunk' })
    wv = loadWordVectors()
  })
  after(() => model.close())

  it('loads as a 100-dimensional embedding model in Hugging Face layout', () => {
    assert.equal(model.info.outputSize, 100)
    assert.equal(model.info.modelType, 'word-vectors')
    assert.equal(wv.words[0], '[PAD]')
    assert.equal(wv.words[1], '[UNK]')
    assert.equal(wv.weights[0], 0)
    assert.equal(wv.weights[1], 0)
  })

  it('computes the SIF-weighted mean of the dequantised table', async () => {
    const texts = [
      'Which organelle is the main site of ATP production in eukaryotic cells?',
      'Café résumé: naïve questions about the economy',
      'the the the of',
    ]
    const got = await embed(texts)
    const ids = await wv.encode(texts)
    texts.forEach((_, i) => {
      const want = l2Normalise(weightedMean(wv, ids[i]!))
      for (let d = 0; d < wv.dim; d++)
        assert.ok(Math.abs(got[i]![d]! - want[d]!) < 1e-5, `text ${i} dim ${d}`)
    })
    // Frequent words weigh little, topic words close to 1.
    assert.ok(wv.weights[wv.ids.get('the')!]! < 0.05)
    assert.ok(wv.weights[wv.ids.get('organelle')!]! > 0.9)
  })

  it('gives a zero vector, not an error, for text with no known word', async () => {
    const [empty, unknown] = await embed(['', '12345 xq zzzqqq'])
    assert.ok(empty!.every((x) => x === 0))
    assert.ok(unknown!.every((x) => x === 0))
  })

  it('carries meaning from the pretrained vectors', async () => {
    const [cat, kitten, market, doctor, physician] = await embed([
      'The cat slept on the carpet.',
      'A kitten was sleeping on the rug.',
      'Shares fell sharply on the stock exchange.',
      'I need to see a doctor about my cough.',
      'Should I visit a physician for this coughing?',
    ])
    assert.ok(dot(cat!, kitten!) > dot(cat!, market!) + 0.2)
    assert.ok(dot(doctor!, physician!) > dot(doctor!, market!) + 0.2)
  })

  it('keeps the words that matter: WordNet domain terms beyond the frequency cut-off', () => {
    for (const w of ['stoichiometry', 'alkanes', 'photosynthesis', 'eigenvalue', 'enthalpy'])
      assert.ok(wv.ids.has(w), w)
  })

  it('quantises each row to within half a step of its scale', () => {
    const v = Float32Array.from([0.5, -1.27, 0.003, 0, 1.27, -0.2])
    const { codes, scales } = quantizeRows(v, 2, 3)
    for (let i = 0; i < v.length; i++) {
      const s = scales[Math.floor(i / 3)]!
      assert.ok(Math.abs(codes[i]! * s - v[i]!) <= s / 2 + 1e-7)
    }
    assert.equal(Math.max(...codes.map(Math.abs)), 127)
  })

  it('is a committed artefact of at most 25 MB that npm ci never downloads', () => {
    const dir = EMBEDDED_MODELS.wordVectors
    const bytes = ['onnx/model.onnx', 'tokenizer.json', 'config.json'].reduce(
      (sum, f) => sum + statSync(join(dir, f)).size,
      0,
    )
    assert.ok(bytes <= 25 * 1024 * 1024, `${bytes} bytes`)
    const pkg = readFileSync(join(ROOT, 'package.json'), 'utf8')
    const lock = readFileSync(join(ROOT, 'package-lock.json'), 'utf8')
    assert.ok(!pkg.includes('wink-embeddings'))
    assert.ok(!lock.includes('wink-embeddings'))
  })
})
