/**
 * The classification API with the embedded category model: it always reports the top category and
 * its calibrated confidence, and separately whether the choice was accepted for routing
 * (`category_model.threshold`); upstream's fields keep their meaning (`category` is "" when the
 * choice was not accepted).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { postJson, useRouter } from '../helpers/router.js'

const config = (threshold: number) => `
vllm_endpoints:
  - { name: sim, address: 127.0.0.1, port: 9 }
model_config:
  bio-model: { preferred_endpoints: [sim] }
  general: { preferred_endpoints: [sim] }
default_model: general
classifier:
  category_model: { threshold: ${threshold} }
keyword_rules:
  - { category: math, operator: OR, keywords: [integral] }
categories:
  - name: biology
    model_scores: [{ model: bio-model, score: 0.9, use_reasoning: false }]
  - name: math
    model_scores: [{ model: general, score: 0.5, use_reasoning: false }]
`

const QUESTION = 'Which organelle is the main site of ATP production in eukaryotic cells?'

describe('classification API: top category, calibrated confidence, accepted for routing', () => {
  describe('a choice under the threshold', () => {
    const t = useRouter(config(0.999))

    it('reports the top category and confidence but does not route on it', async () => {
      const res = await postJson(`${t.api}/api/v1/classify/intent`, { text: QUESTION })
      assert.equal(res.status, 200)
      const c = res.json.classification
      assert.equal(c.top_category, 'biology')
      assert.equal(c.accepted_for_routing, false)
      assert.equal(c.category, '', "upstream's field: no category when not accepted")
      assert.ok(c.confidence > 0 && c.confidence < 0.999, String(c.confidence))
      assert.equal(c.source, 'model')
      assert.equal(res.json.recommended_model, 'general')
    })

    it('reports the same fields in /combined and /batch', async () => {
      const combined = await postJson(`${t.api}/api/v1/classify/combined`, { text: QUESTION })
      assert.equal(combined.json.intent.top_category, 'biology')
      assert.equal(combined.json.intent.accepted_for_routing, false)
      const batch = await postJson(`${t.api}/api/v1/classify/batch`, {
        texts: [QUESTION, 'what is the integral of x'],
      })
      const [model, rule] = batch.json.results
      assert.equal(model.top_category, 'biology')
      assert.equal(model.accepted_for_routing, false)
      assert.equal(rule.category, 'math')
      assert.equal(rule.top_category, 'math')
      assert.equal(rule.accepted_for_routing, true, 'a keyword rule decides outright')
    })
  })

  describe('a choice over the threshold', () => {
    const t = useRouter(config(0.1))

    it('routes on the top category', async () => {
      const res = await postJson(`${t.api}/api/v1/classify/intent`, { text: QUESTION })
      const c = res.json.classification
      assert.equal(c.category, 'biology')
      assert.equal(c.top_category, 'biology')
      assert.equal(c.accepted_for_routing, true)
      assert.equal(res.json.recommended_model, 'bio-model')
    })
  })
})
