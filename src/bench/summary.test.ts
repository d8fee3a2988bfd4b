// Metric arithmetic against values computed by hand.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { distribution, histogram, percentile } from './stats.js'
import { buildSummary, compareReasoning, groupMetrics } from './summary.js'
import type { ResultRow } from './types.js'

function row(p: Partial<ResultRow>): ResultRow {
  return {
    mode: 'NR',
    mode_label: 'Direct, reasoning off',
    question_id: '1',
    category: 'math',
    question: 'q',
    options: '[]',
    correct_answer: 'A',
    model_response: '',
    predicted_answer: 'A',
    is_correct: true,
    response_time: 1,
    success: true,
    prompt_tokens: 100,
    completion_tokens: 10,
    total_tokens: 110,
    dataset: 'd',
    target: 't',
    model: 'm',
    selected_model: '',
    selected_category: '',
    reasoning: 'off',
    reasoning_tokens: 0,
    ttft: null,
    error: '',
    ...p,
  }
}

describe('statistics', () => {
  it('percentiles interpolate linearly between ranks (numpy default)', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert.equal(percentile(v, 50), 5.5)
    assert.equal(percentile(v, 90), 9.1)
    assert.equal(percentile(v, 99), 9.91)
    assert.equal(percentile([7], 99), 7)
    assert.equal(percentile([], 50), 0)
    assert.deepEqual(distribution([3, 1, 2]), {
      count: 3,
      mean: 2,
      p50: 2,
      p90: 2.8,
      p99: 2.98,
      min: 1,
      max: 3,
    })
  })
  it('histograms count cumulatively', () => {
    assert.deepEqual(histogram([0.2, 0.7, 3], [0.5, 1, 2]), [
      { le: '0.5', count: 1 },
      { le: '1', count: 2 },
      { le: '2', count: 2 },
      { le: '+Inf', count: 3 },
    ])
  })
})

describe('group metrics', () => {
  const rows = [
    row({
      question_id: '1',
      response_time: 2,
      prompt_tokens: 100,
      completion_tokens: 50,
      total_tokens: 150,
    }),
    row({
      question_id: '2',
      response_time: 4,
      prompt_tokens: 200,
      completion_tokens: 30,
      total_tokens: 230,
      is_correct: false,
      predicted_answer: 'B',
    }),
    row({
      question_id: '3',
      success: false,
      is_correct: false,
      response_time: 10,
      prompt_tokens: 0,
      completion_tokens: 0,
      total_tokens: 0,
      error: 'http_503: overloaded',
    }),
    row({
      question_id: '4',
      response_time: 1,
      ttft: 0.5,
      prompt_tokens: 100,
      completion_tokens: 11,
      total_tokens: 111,
    }),
  ]
  const pricing = { m: { currency: 'USD', prompt_per_1m: 2, completion_per_1m: 10 } }
  const g = groupMetrics(rows, pricing)
  it('counts accuracy over all questions and averages over successful ones', () => {
    assert.equal(g.questions, 4)
    assert.equal(g.successful, 3)
    assert.equal(g.correct, 2)
    assert.equal(g.accuracy, 0.5)
    assert.equal(g.accuracy_of_successful, 0.666667)
    assert.equal(g.avg_response_time, round((2 + 4 + 1) / 3))
    assert.equal(g.avg_prompt_tokens, round(400 / 3))
    assert.equal(g.avg_completion_tokens, 30.333333)
  })
  it('sums tokens, and the completion/prompt ratio is Σcompletion/Σprompt', () => {
    assert.deepEqual(g.tokens, {
      prompt: 400,
      completion: 91,
      total: 491,
      reasoning: 0,
      completion_prompt_ratio: 0.2275,
    })
  })
  it('time per output token uses ttft when known', () => {
    // 2000/50 = 40 ms, 4000/30 = 133.333 ms, (1 - 0.5)/10 tokens = 50 ms
    assert.equal(g.time_per_output_token_ms.count, 3)
    assert.equal(g.time_per_output_token_ms.mean, round((40 + 4000 / 30 + 50) / 3))
    assert.equal(g.time_per_output_token_ms.min, 40)
  })
  it('prices every request with tokens by the answering model', () => {
    // prompt 400 tokens x $2/M + completion 91 x $10/M = 0.0008 + 0.00091
    assert.equal(g.cost.total, 0.00171)
    assert.equal(g.cost.per_question, round(0.00171 / 4, 8))
    assert.equal(g.cost.priced, true)
    assert.equal(groupMetrics(rows, {}).cost.priced, false)
  })
  it('builds upstream fields, per-model success and the error distribution', () => {
    const s = buildSummary(rows, {
      target: 'vllm::m',
      kind: 'direct',
      endpoint: 'http://x/v1',
      model: 'm',
      dataset: 'd',
      pricing,
      startedAt: 'a',
      finishedAt: 'b',
      interrupted: false,
      settings: {},
    })
    assert.equal(s.overall_accuracy, 0.5)
    assert.equal(s.total_questions, 4)
    assert.equal(s.successful_queries, 3)
    assert.equal(s.failed_queries, 1)
    assert.deepEqual(s.error_distribution, { http_503: 1 })
    assert.deepEqual(Object.keys(s.category_metrics), ['math'])
    assert.equal((s.per_model['m'] as { success_rate: number }).success_rate, 0.75)
    assert.deepEqual(s.latency_distribution.at(-1), { le: '+Inf', count: 3 })
  })
})

describe('reasoning comparison', () => {
  it('pairs the same questions across modes and counts flips', () => {
    const rows = [
      row({ question_id: '1', is_correct: true }),
      row({ question_id: '2', is_correct: false }),
      row({ question_id: '3', is_correct: true }),
      row({ question_id: '1', mode: 'NR_REASONING', is_correct: true, completion_tokens: 100 }),
      row({ question_id: '2', mode: 'NR_REASONING', is_correct: true, completion_tokens: 100 }),
      row({ question_id: '3', mode: 'NR_REASONING', is_correct: false, completion_tokens: 100 }),
      row({ question_id: '4', mode: 'NR_REASONING', is_correct: true }), // no standard twin: ignored
    ]
    const c = compareReasoning(rows)!
    assert.equal(c.questions, 3)
    assert.deepEqual([c.both_correct, c.improved, c.regressed, c.both_wrong], [1, 1, 1, 0])
    assert.equal(c.standard.accuracy, 0.666667)
    assert.equal(c.reasoning.accuracy, 0.666667)
    assert.equal(c.standard.completion_prompt_ratio, 0.1)
    assert.equal(c.reasoning.completion_prompt_ratio, 1)
    assert.equal(c.by_category['math']!.token_ratio, 10)
    assert.equal(compareReasoning([row({})]), undefined)
  })
})

function round(x: number, d = 6) {
  return Math.round(x * 10 ** d) / 10 ** d
}
