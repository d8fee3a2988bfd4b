import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseConfigText } from '../config/load.js'
import { CategoryPolicies } from './policies.js'

const CONFIG = `
model_config: { m: {} }
default_model: m
bert_model: { threshold: 0.6 }
prompt_guard: { enabled: true, threshold: 0.7 }
classifier:
  pii_model: { threshold: 0.8 }
categories:
  - name: news
    model_scores: [{ model: m, score: 1 }]
    jailbreak_threshold: 0.95
    pii_enabled: false
  - name: Math
    model_scores: [{ model: m, score: 1 }]
    jailbreak_enabled: false
    pii_threshold: 0.5
  - name: chat
    model_scores: [{ model: m, score: 1 }]
    pii_threshold: 0
`

describe('per-category policies', () => {
  const policies = new CategoryPolicies(parseConfigText(CONFIG).config)

  it('gives requests without a known category the global settings', () => {
    const expected = {
      jailbreak: { enabled: true, threshold: 0.7 },
      pii: { enabled: true, threshold: 0.8 },
    }
    assert.deepEqual(policies.of(''), expected)
    assert.deepEqual(policies.of('unknown'), expected)
    assert.equal(policies.of('unknown'), policies.global, 'compiled once, not per request')
  })

  it("applies each category's overrides over the globals", () => {
    assert.deepEqual(policies.of('news'), {
      jailbreak: { enabled: true, threshold: 0.95 },
      pii: { enabled: false, threshold: 0.8 },
    })
    assert.deepEqual(policies.of('math'), {
      jailbreak: { enabled: false, threshold: 0.7 },
      pii: { enabled: true, threshold: 0.5 },
    })
    assert.equal(policies.of('MATH'), policies.of('Math'), 'names match case-insensitively')
  })

  it('reads a PII threshold of 0 as "off" (upstream\'s switch)', () => {
    assert.deepEqual(policies.of('chat').pii, { enabled: false, threshold: 0 })
  })
})
