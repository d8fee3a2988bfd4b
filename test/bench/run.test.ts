// End to end: the benchmark runner against simulated models on real HTTP servers.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { loadDataset, sampleQuestions, type Question } from '../../src/bench/datasets/index.js'
import { quizResponder } from '../../src/bench/quiz-responder.js'
import { runBenchmark, type RunOptions } from '../../src/bench/runner.js'
import { CSV_COLUMNS, type Target } from '../../src/bench/types.js'
import { startSimulator, type Simulator } from '../../src/simulator/index.js'
import { parseCsv } from '../../src/bench/datasets/csv.js'

const SAMPLE = join(import.meta.dirname, '..', '..', 'bench', 'datasets', 'sample-mmlu-pro.jsonl')

let sim: Simulator
let questions: Question[]

before(async () => {
  const all = (await loadDataset('mmlu-pro', SAMPLE)).questions
  questions = sampleQuestions(all, { perCategory: 2, seed: 1 })
  sim = await startSimulator({
    models: [
      { name: 'qwen3-8b', behaviour: { reasoningTokens: 40 } },
      'mistral-7b',
      { name: 'flaky-model', behaviour: { fault: { status: 503, rate: 0.25 } } },
      { name: 'slow-model', behaviour: { fault: { delayMs: 3000, rate: 0.25 } } },
      { name: 'broken-model', behaviour: { fault: { malformed: true } } },
    ],
    responder: quizResponder({
      questions: all,
      profiles: {
        'qwen3-8b': { accuracy: { math: 1, law: 0 }, defaultAccuracy: 0.5, reasoningGain: 0.3 },
        'mistral-7b': { defaultAccuracy: 1 },
        'flaky-model': { defaultAccuracy: 1 },
        'slow-model': { defaultAccuracy: 1 },
        'broken-model': { defaultAccuracy: 1 },
      },
    }),
  })
})
after(() => sim.close())

function options(targets: Target[], extra: Partial<RunOptions> = {}): RunOptions {
  return {
    targets,
    questions,
    dataset: 'mmlu-pro',
    outputDir: mkdtempSync(join(tmpdir(), 'bench-run-')),
    concurrency: 4,
    maxTokens: 512,
    temperature: 0,
    seed: 42,
    timeoutMs: 10_000,
    stream: false,
    pricing: { 'qwen3-8b': { currency: 'USD', prompt_per_1m: 1, completion_per_1m: 2 } },
    families: {},
    ...extra,
  }
}

const direct = (model: string, modes: Target['modes'] = ['NR']): Target => ({
  id: `vllm::${model}`,
  kind: 'direct',
  endpoint: sim.baseUrl,
  model,
  modes,
})

describe('benchmark run against the simulator', () => {
  it('runs reasoning off, on and CoT for a Qwen3 model and writes CSV and summary', async () => {
    const opts = options([direct('qwen3-8b', ['NR', 'NR_REASONING', 'XC'])])
    sim.clearReceived()
    const { results, interrupted } = await runBenchmark(opts)
    assert.equal(interrupted, false)
    const [r] = results
    assert.equal(r!.rows.length, 28 * 3)

    // What the model received: explicit reasoning switches per mode, our sampling settings.
    const bodies = sim.receivedChats().map((x) => x.json as Record<string, unknown>)
    const kw = bodies.map((b) => JSON.stringify(b['chat_template_kwargs']))
    assert.equal(kw.filter((k) => k === '{"enable_thinking":true}').length, 28)
    assert.equal(kw.filter((k) => k === '{"enable_thinking":false}').length, 56)
    assert.ok(
      bodies.every((b) => b['max_tokens'] === 512 && b['temperature'] === 0 && b['seed'] === 42),
    )
    assert.ok(bodies.some((b) => /step by step/.test(JSON.stringify(b['messages']))))

    const csv = parseCsv(readFileSync(join(r!.dir, 'detailed_results.csv'), 'utf8'), 'csv')
    assert.deepEqual(Object.keys(csv[0]!), [...CSV_COLUMNS])
    assert.equal(csv.length, 84)
    const summary = JSON.parse(readFileSync(join(r!.dir, 'summary.json'), 'utf8'))
    assert.equal(summary.total_questions, 84)
    assert.equal(summary.failed_queries, 0)
    // The profile: math always right, law always wrong, whatever the mode.
    assert.equal(summary.by_mode.NR.category_metrics.math.accuracy, 1)
    assert.equal(summary.by_mode.NR.category_metrics.law.accuracy, 0)
    assert.equal(summary.by_mode.NR_REASONING.category_metrics.math.accuracy, 1)
    const evaluation = summary.reasoning_evaluation
    assert.equal(evaluation.questions, 28)
    assert.ok(evaluation.accuracy_gain >= 0)
    assert.equal(evaluation.regressed, 0)
    assert.ok(
      evaluation.reasoning.completion_prompt_ratio > evaluation.standard.completion_prompt_ratio,
    )
    assert.equal(summary.cost.priced, true)
    assert.ok(summary.cost.total > 0)
    assert.ok(summary.latency.p99 >= summary.latency.p50)
    assert.equal(summary.per_model['qwen3-8b'].success_rate, 1)
  })

  it('counts errors and timeouts per kind and keeps going', async () => {
    // The flaky model gets a generous timeout so only its injected 503s fail, even on a busy
    // machine; the slow one a short timeout against its injected 3 s delays.
    const flaky = (await runBenchmark(options([direct('flaky-model')]))).results[0]!.summary
    const slow = (await runBenchmark(options([direct('slow-model')], { timeoutMs: 1000 })))
      .results[0]!.summary
    assert.equal(flaky.total_questions, 28)
    assert.ok((flaky.error_distribution['http_503'] ?? 0) > 0)
    assert.equal(flaky.failed_queries, flaky.error_distribution['http_503'])
    assert.ok(Math.abs(flaky.overall_accuracy - flaky.successful_queries / 28) < 1e-6)
    assert.ok((slow.error_distribution['timeout'] ?? 0) > 0)
    assert.equal(slow.total_questions, 28)
    const perModel = flaky.per_model['flaky-model'] as {
      success_rate: number
      errors: Record<string, number>
    }
    assert.ok(perModel.success_rate < 1)
    assert.deepEqual(Object.keys(perModel.errors), ['http_503'])
  })

  it('counts malformed answers as invalid_json, streamed or not', async () => {
    for (const stream of [false, true]) {
      const { summary } = (await runBenchmark(options([direct('broken-model')], { stream })))
        .results[0]!
      assert.equal(summary.failed_queries, 28, `stream: ${stream}`)
      assert.deepEqual(summary.error_distribution, { invalid_json: 28 })
    }
  })

  it('keeps partial results when interrupted', async () => {
    const controller = new AbortController()
    let seen = 0
    const opts = options([direct('mistral-7b'), direct('qwen3-8b')], {
      concurrency: 1,
      signal: controller.signal,
      progress: {
        setLabel() {},
        tick() {
          if (++seen === 5) controller.abort()
        },
      } as never,
    })
    const { results, interrupted } = await runBenchmark(opts)
    assert.equal(interrupted, true)
    assert.equal(results.length, 1) // the second target never started
    const summary = JSON.parse(readFileSync(join(results[0]!.dir, 'summary.json'), 'utf8'))
    assert.equal(summary.interrupted, true)
    assert.equal(summary.total_questions, 5)
    const csv = parseCsv(readFileSync(join(results[0]!.dir, 'detailed_results.csv'), 'utf8'), 'csv')
    assert.equal(csv.length, 5)
  })

  it('skips reasoning mode for a model with no known family, and streams when asked', async () => {
    const notes: string[] = []
    const { results } = await runBenchmark(
      options([direct('mistral-7b', ['NR', 'NR_REASONING'])], {
        log: (l) => notes.push(l),
        stream: true,
      }),
    )
    assert.match(notes.join('\n'), /no reasoning family known for mistral-7b/)
    const summary = results[0]!.summary
    assert.deepEqual(Object.keys(summary.by_mode), ['NR'])
    assert.equal(summary.overall_accuracy, 1)
    assert.ok(results[0]!.rows.every((r) => r.ttft !== null && r.completion_tokens > 0))
  })

  it('uses a configured family for an unrecognised model name', async () => {
    sim.clearReceived()
    await runBenchmark(
      options([direct('mistral-7b', ['NR_REASONING'])], {
        families: { modelFamilies: { 'mistral-7b': 'gpt-oss' } },
        questions: questions.slice(0, 2),
      }),
    )
    const bodies = sim.receivedChats().map((x) => x.json as Record<string, unknown>)
    assert.deepEqual(
      bodies.map((b) => b['reasoning_effort']),
      ['high', 'high'],
    )
  })
})
