/**
 * The embedded category model's question view (src/classify/model/question-view.ts), through the
 * real classifier chain and the real ONNX model: a request of several sentences whose setting
 * words pull towards another field is routed by its question when that sentence is confident on
 * its own; a single-sentence request is scored on the whole text alone.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { ClassifierChain } from '../../src/classify/chain.js'
import { defaultClassifierChain } from '../helpers/category-chain.js'
import {
  combineQuestionView,
  questionSentence,
  readQuestionView,
  type QuestionView,
} from '../../src/classify/model/question-view.js'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'
import { readModelFolder } from '../../src/ml/folder.js'
import { MMLU_PRO_CATEGORIES as LABELS } from '../../src/ml/label-mapping.js'
import { LoadedModel, toClassification } from '../../src/ml/model.js'

/** Requests whose setting names one field while the question asks about another. */
const SETTING_VS_QUESTION = [
  {
    text: 'My landlord raised the rent again and my roommate moved out. What does the Pythagorean theorem say about right triangles?',
    field: 'math',
  },
  {
    text: 'I manage a team of sales people at a car dealership. How do neurons send signals across a synapse?',
    field: 'biology',
  },
  {
    text: 'I am planning a road trip across the country with my dog. How do lenses in glasses bend light to focus it?',
    field: 'physics',
  },
]

const SINGLE_SENTENCES = [
  'What does the Pythagorean theorem say about right triangles?',
  'I manage a team of sales people at a car dealership and my manager never thanks anyone',
  'Recommend a good pizza place',
]

const topOf = (p: ArrayLike<number>): string => {
  let best = 0
  for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k
  return LABELS[best]!
}

describe('category question view (embedded model, through the classifier chain)', () => {
  let chain: ClassifierChain
  let close: () => Promise<void>
  let model: LoadedModel
  let view: QuestionView
  before(async () => {
    ;({ chain, close } = await defaultClassifierChain())
    model = await LoadedModel.load({
      folder: readModelFolder(EMBEDDED_MODELS.category),
      task: 'sequence-classification',
      labels: LABELS,
      longInput: 'truncate',
    })
    view = readQuestionView(EMBEDDED_MODELS.category)!
  })
  after(async () => {
    await model.close()
    await close()
  })
  const probabilities = async (text: string): Promise<Float32Array> =>
    toClassification(LABELS, (await model.run([text]))[0]!).probabilities

  it('the embedded model declares the view it was trained and calibrated with', () => {
    assert.ok(
      view,
      'models/category-classifier/config.json declares _semantic_router.question_view',
    )
    assert.ok(view.minConfidence > 0.5 && view.minConfidence < 1)
    assert.ok(view.temperatureRatio > 0.5 && view.temperatureRatio < 2)
  })

  it('routes by a confident question when the setting words pull elsewhere', async () => {
    for (const { text, field } of SETTING_VS_QUESTION) {
      const question = questionSentence(text)!
      // Precondition: the whole text alone tops another field; the question alone is confident.
      const whole = await probabilities(text)
      const alone = await probabilities(question)
      assert.notEqual(topOf(whole), field, `whole text alone already tops ${field}: ${text}`)
      assert.equal(topOf(alone), field, question)
      assert.ok(Math.max(...alone) >= view.minConfidence, `question under the gate: ${question}`)

      const result = (await chain.classify({ text, history: [] }))!
      assert.equal(result.source, 'model')
      assert.equal(result.category, field, text)
      const sum = result.distribution!.reduce((s, d) => s + d.probability, 0)
      assert.ok(Math.abs(sum - 1) < 1e-4)
    }
  })

  it('scores a single-sentence text on the whole text alone', async () => {
    for (const text of SINGLE_SENTENCES) {
      assert.equal(questionSentence(text), undefined, text)
      const whole = await probabilities(text)
      const result = (await chain.classify({ text, history: [] }))!
      const got = result.distribution!.map((d) => d.probability)
      const expected = combineQuestionView(whole, undefined, view)
      assert.equal(result.category, topOf(whole), text)
      for (let k = 0; k < got.length; k++) assert.ok(Math.abs(got[k]! - expected[k]!) < 1e-6, text)
    }
  })
})
