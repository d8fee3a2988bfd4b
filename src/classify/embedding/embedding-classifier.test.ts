import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { parseConfigText } from '../../config/load.js'
import { silentLogger } from '../../log.js'
import { RouterMetrics } from '../../metrics/router-metrics.js'
import { createRuntimeServices } from '../../assembly/build-services.js'
import type { RuntimeServices } from '../../runtime/services.js'
import { aggregate, EmbeddingRuleClassifier } from './embedding-classifier.js'

describe('embedding rule aggregation', () => {
  it('mean, max and any behave as documented', () => {
    assert.deepEqual(aggregate('max', [0.2, 0.9], 0.8), { score: 0.9, matched: true })
    assert.deepEqual(aggregate('mean', [0.2, 0.9], 0.8), { score: 0.55, matched: false })
    assert.deepEqual(aggregate('avg', [0.8, 0.9], 0.8), {
      score: 0.8500000000000001,
      matched: true,
    })
    assert.deepEqual(aggregate('any', [0.1, 0.81], 0.8), { score: 0.81, matched: true })
    assert.deepEqual(aggregate('max', [], 0.1), { score: 0, matched: false })
  })
})

describe('embedding rules classifier (the embedded sentence embedder)', () => {
  let services: RuntimeServices
  before(async () => {
    const { config } = parseConfigText('model_config: { m: {} }\ndefault_model: m\n')
    services = await createRuntimeServices(config, {
      log: silentLogger(),
      metrics: new RouterMetrics(),
      baseDir: process.cwd(),
    })
  })
  after(() => services.close())

  const rule = (
    category: string,
    keywords: string[],
    threshold: number,
    method: 'max' | 'any',
  ) => ({
    category,
    threshold,
    keywords,
    aggregation_method: method,
    model: 'auto' as const,
    dimension: 0,
  })
  // Measured with the embedded model: each question scores about 0.7 against its own rule's
  // closest keyword and below 0.35 against the other rule's.
  const WEATHER = 'What is the weather forecast for tomorrow?'
  const BAKING = 'Give me a recipe to bake sourdough bread'

  it('picks the matching rule and reports it', async () => {
    const classifier = new EmbeddingRuleClassifier(
      [
        rule('weather', ['weather forecast', 'will it rain tomorrow'], 0.6, 'max'),
        rule('cooking', ['bake sourdough bread', 'pasta recipe'], 0.6, 'any'),
      ],
      () => services.embedder(),
    )
    const weather = await classifier.classify({ text: WEATHER, history: [] })
    assert.equal(weather?.category, 'weather')
    assert.equal(weather?.detail, 'embedding_rules[0]')
    const baking = await classifier.classify({ text: BAKING, history: [] })
    assert.equal(baking?.category, 'cooking')
    assert.equal(baking?.detail, 'embedding_rules[1]')
    assert.ok((baking?.confidence ?? 0) > 0.6)
  })
  it('abstains when no rule reaches its threshold', async () => {
    const classifier = new EmbeddingRuleClassifier(
      [rule('weather', ['weather forecast', 'will it rain tomorrow'], 0.6, 'max')],
      () => services.embedder(),
    )
    const text = 'quantum chromodynamics on a lattice'
    assert.equal(await classifier.classify({ text, history: [] }), null)
    assert.equal(await classifier.classify({ text: BAKING, history: [] }), null)
  })
  it('retries preparation after an embedder failure', async () => {
    let calls = 0
    const flaky = new EmbeddingRuleClassifier(
      [rule('weather', ['weather forecast'], 0.5, 'max')],
      () => (++calls === 1 ? Promise.reject(new Error('not loaded')) : services.embedder()),
    )
    await assert.rejects(flaky.classify({ text: WEATHER, history: [] }), /not loaded/)
    assert.equal((await flaky.classify({ text: WEATHER, history: [] }))?.category, 'weather')
  })
})
