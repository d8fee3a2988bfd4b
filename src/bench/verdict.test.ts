import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildSummary, type Summary } from './summary.js'
import type { PricingTable, ResultRow } from './types.js'
import { routingNote, sampleSizeNote, verdictOf } from './verdict.js'

const PRICES = {
  big: { prompt_per_1m: 10, completion_per_1m: 10, currency: 'USD' },
  small: { prompt_per_1m: 1, completion_per_1m: 1, currency: 'USD' },
}

/** `correct` of `n` questions right, 100 tokens each, one category per question pair. */
function rows(target: string, mode: string, model: string, correct: number, n = 10): ResultRow[] {
  return Array.from({ length: n }, (_, i) => ({
    mode,
    mode_label: mode === 'router' ? 'Router (auto)' : 'Direct, reasoning on',
    question_id: String(i),
    category: `c${i % 5}`,
    question: 'q',
    options: '[]',
    correct_answer: 'A',
    model_response: '',
    predicted_answer: i < correct ? 'A' : 'B',
    is_correct: i < correct,
    response_time: 1,
    success: true,
    prompt_tokens: 50,
    completion_tokens: 50,
    total_tokens: 100,
    dataset: 'd',
    target,
    model,
    selected_model: model,
    selected_category: '',
    reasoning: 'on',
    reasoning_tokens: 0,
    ttft: null,
    error: '',
  }))
}

function summary(list: ResultRow[], pricing: PricingTable = PRICES): Summary {
  const r = list[0]!
  return buildSummary(list, {
    target: r.target,
    kind: r.mode === 'router' ? 'router' : 'direct',
    endpoint: 'http://x/v1',
    model: r.model,
    dataset: 'd',
    pricing,
    startedAt: '',
    finishedAt: '',
    interrupted: false,
    settings: {},
  })
}

describe('benchmark verdict', () => {
  it('compares the router with the most accurate direct run, cost per question', () => {
    // The router answered 8/10 on the small model; big answered 10/10 at ten times the price.
    const v = verdictOf([
      summary(rows('router::auto', 'router', 'small', 8)),
      summary(rows('vllm::big', 'NR_REASONING', 'big', 10)),
      summary(rows('vllm::small', 'NR_REASONING', 'small', 6)),
    ])!
    assert.equal(v.best.run, 'big, reasoning on')
    assert.equal(v.accuracyShare, 0.8)
    assert.equal(v.costShare, 0.1)
    assert.equal(v.costBasis, 'cost')
    assert.equal(
      v.text,
      "The router reaches 80% of the best single model's accuracy (80.0% vs 100.0% for big, reasoning on) at 10% of its cost per question.",
    )
  })
  it('falls back to tokens without prices, and says nothing without a router or a baseline', () => {
    const v = verdictOf([
      summary(rows('router::auto', 'router', 'small', 5), {}),
      summary(rows('vllm::big', 'NR_REASONING', 'big', 5), {}),
    ])!
    assert.equal(v.costBasis, 'tokens')
    assert.match(v.text, /100% of its tokens per question \(no prices configured\)/)
    assert.equal(verdictOf([summary(rows('vllm::big', 'NR', 'big', 5))]), undefined)
    assert.equal(verdictOf([summary(rows('router::auto', 'router', 'small', 5))]), undefined)
  })
  it('explains the per-category sample size and the routing figure', () => {
    assert.match(
      sampleSizeNote(rows('router::auto', 'router', 'small', 5)),
      /^Per-category figures rest on 2 questions each \(10 questions over 5 categories\): one question moves a category's accuracy by 50\.0 points/,
    )
    assert.equal(sampleSizeNote([]), '')
    assert.match(
      routingNote(0.643, 84),
      /^Routing 64\.3%: the share of the 84 questions .* not an error rate/,
    )
  })
})
