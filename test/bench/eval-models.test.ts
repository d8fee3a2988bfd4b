// `semantic-router eval models`: evaluation against simulated models → model_scores in a config
// file whose comments and other settings survive.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parse } from 'yaml'
import { loadDataset } from '../../src/bench/datasets/index.js'
import { decideReasoning, DEFAULT_RULE } from '../../src/bench/eval-models.js'
import { runEvalModels } from '../../src/bench/eval-models-cli.js'
import { quizResponder } from '../../src/bench/quiz-responder.js'
import { parseConfigText } from '../../src/config/load.js'
import { startSimulator, type Simulator } from '../../src/simulator/index.js'

const SAMPLE = join(import.meta.dirname, '..', '..', 'bench', 'datasets', 'sample-mmlu-pro.jsonl')
let sim: Simulator

before(async () => {
  const all = (await loadDataset('mmlu-pro', SAMPLE)).questions
  sim = await startSimulator({
    models: [{ name: 'qwen3-8b', behaviour: { reasoningTokens: 50 } }, 'small-chat'],
    responder: quizResponder({
      questions: all,
      profiles: {
        // Math: reasoning lifts 0.2 → 1.0. Law: reasoning changes nothing. Physics: small gain.
        'qwen3-8b': {
          accuracy: { math: 0.2, law: 1, physics: 0.5 },
          reasoningGain: 0.8,
          defaultAccuracy: 0.5,
        },
        'small-chat': { accuracy: { math: 0.5, law: 0.5, physics: 1 }, defaultAccuracy: 0.5 },
      },
    }),
  })
})
after(() => sim.close())

function configText(port: number): string {
  return `# Router config under evaluation. This comment must survive.
vllm_endpoints:
  - name: local # the simulator
    address: 127.0.0.1
    port: ${port}
model_config:
  qwen3-8b:
    reasoning_family: qwen3 # thinking via enable_thinking
    preferred_endpoints: [local]
  small-chat:
    preferred_endpoints: [local]
  retired-model:
    preferred_endpoints: [local]
default_model: small-chat
reasoning_families:
  qwen3: { type: chat_template_kwargs, parameter: enable_thinking }
categories:
  - name: math
    # scores below are replaced by the evaluation
    model_scores:
      - { model: qwen3-8b, score: 0.1, use_reasoning: false, reasoning_effort: high }
      - { model: retired-model, score: 0.3, use_reasoning: false }
  - name: legal
    mmlu_categories: [law]
    model_scores:
      - { model: small-chat, score: 0.5, use_reasoning: false }
  - name: poetry
    model_scores:
      - { model: small-chat, score: 0.9, use_reasoning: false }
`
}

describe('eval models → config', () => {
  it('writes model_scores per category, keeping comments, other keys and unknown models', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-models-'))
    const config = join(dir, 'config.yaml')
    writeFileSync(config, configText(sim.port))
    const code = await runEvalModels([
      '--config',
      config,
      '--samples-per-category',
      '6',
      '--models',
      'qwen3-8b,small-chat',
      '--results-dir',
      join(dir, 'results'),
      '--no-progress',
    ])
    assert.equal(code, 0)
    const out = readFileSync(join(dir, 'config.evaluated.yaml'), 'utf8')
    assert.match(out, /^# Router config under evaluation\. This comment must survive\.$/m)
    assert.match(out, /name: local # the simulator/)
    assert.match(out, /reasoning_family: qwen3 # thinking via enable_thinking/)
    assert.equal(readFileSync(config, 'utf8'), configText(sim.port)) // input untouched
    parseConfigText(out) // valid

    const parsed = parse(out) as {
      categories: { name: string; model_scores: Record<string, unknown>[] }[]
    }
    const math = parsed.categories.find((c) => c.name === 'math')!.model_scores
    // qwen3-8b: 0.2 off, 1.0 on → reasoning pays; keeps its reasoning_effort; ranked first.
    assert.deepEqual(math[0], {
      model: 'qwen3-8b',
      score: 1,
      use_reasoning: true,
      reasoning_effort: 'high',
    })
    assert.equal(math[1]!['model'], 'small-chat')
    assert.equal(math[1]!['use_reasoning'], false) // no reasoning family
    assert.equal(math[2]!['model'], 'retired-model') // not evaluated: kept, after the evaluated ones
    const legal = parsed.categories.find((c) => c.name === 'legal')!.model_scores
    assert.deepEqual(legal[0], { model: 'qwen3-8b', score: 1, use_reasoning: false }) // no gain → off
    // No data for poetry: unchanged.
    assert.deepEqual(parsed.categories.find((c) => c.name === 'poetry')!.model_scores, [
      { model: 'small-chat', score: 0.9, use_reasoning: false },
    ])
    const details = JSON.parse(readFileSync(join(dir, 'results', 'model_scores.json'), 'utf8'))
    assert.ok(details.unmappedDatasetCategories.includes('physics'))
    assert.deepEqual(details.categoriesWithoutData, ['poetry'])
    assert.match(details.results.math[0].why, /reasoning pays/)
  })

  it('rejects bad input without writing anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-models-'))
    assert.equal(await runEvalModels([]), 2)
    assert.equal(await runEvalModels(['--config', join(dir, 'missing.yaml')]), 2)
    const broken = join(dir, 'broken.yaml')
    writeFileSync(broken, 'categories: [ {name: x, model_scores: oops} ]\n')
    assert.equal(await runEvalModels(['--config', broken]), 2)
  })
})

describe('the use_reasoning rule', () => {
  const rule = DEFAULT_RULE
  it('needs a minimum gain', () => {
    assert.equal(
      decideReasoning({ accuracy: 0.5, tokens: 100 }, { accuracy: 0.52, tokens: 100 }, rule).use,
      false,
    )
    assert.equal(
      decideReasoning({ accuracy: 0.5, tokens: 100 }, { accuracy: 0.53, tokens: 100 }, rule).use,
      true,
    )
  })
  it('needs more gain the more extra tokens reasoning spends', () => {
    // 10x tokens → needs 0.01 × 9 = 9 points.
    assert.equal(
      decideReasoning({ accuracy: 0.5, tokens: 10 }, { accuracy: 0.58, tokens: 100 }, rule).use,
      false,
    )
    assert.equal(
      decideReasoning({ accuracy: 0.5, tokens: 10 }, { accuracy: 0.6, tokens: 100 }, rule).use,
      true,
    )
  })
  it('is off without a reasoning run, and never on for a loss', () => {
    assert.equal(decideReasoning({ accuracy: 0.5, tokens: 10 }, undefined, rule).use, false)
    assert.equal(
      decideReasoning({ accuracy: 0.9, tokens: 10 }, { accuracy: 0.8, tokens: 10 }, rule).use,
      false,
    )
  })
})
