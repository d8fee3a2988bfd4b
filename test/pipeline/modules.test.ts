import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { z } from 'zod'
import { BUILTIN_PLUGINS, withPlugins } from '../../src/assembly/plugins.js'
import type { CategoryProbability } from '../../src/classify/types.js'
import { parseConfigText } from '../../src/config/load.js'
import { RouterError } from '../../src/errors.js'
import { resolveModuleOrder } from '../../src/pipeline/modules/registry.js'
import { Pipeline } from '../../src/pipeline/pipeline.js'
import { PLUGIN_API_VERSION, type PipelineModule } from '../../src/pipeline/types.js'
import { chatBody, makeRuntime, meta } from '../helpers/runtime.js'

// A classifier kind whose distribution is read from the prompt ("dist: math=0.9 law=0.1"),
// registered through the real registry so the chain, threshold and entropy code run for real.
const distributionPlugin = {
  kind: 'prompt-distribution',
  description: 'test classifier: distribution written in the prompt',
  optionsSchema: z.strictObject({}),
  create() {
    return {
      kind: 'model',
      labels: [],
      classify({ text }: { text: string }) {
        const distribution: CategoryProbability[] = [...text.matchAll(/(\w+)=([\d.]+)/g)].map(
          (m) => ({
            category: m[1]!,
            probability: Number(m[2]),
          }),
        )
        const top = [...distribution].sort((a, b) => b.probability - a.probability)[0]
        return Promise.resolve(
          top
            ? { category: top.category, confidence: top.probability, distribution, source: 'model' }
            : null,
        )
      },
    }
  },
}

const plugins = withPlugins(BUILTIN_PLUGINS, { classifiers: [distributionPlugin] })

const CONFIG = `
pipeline:
  classifiers: [{ kind: prompt-distribution }]
classifier: { category_model: { threshold: 0.6 } }
model_config:
  q: { reasoning_family: qwen3 }
reasoning_families:
  qwen3: { type: chat_template_kwargs, parameter: enable_thinking }
categories:
  - { name: mathematics, mmlu_categories: [math], model_scores: [{ model: q, score: 1, use_reasoning: true }] }
  - { name: law, model_scores: [{ model: q, score: 1, use_reasoning: false }] }
  - { name: history, model_scores: [{ model: q, score: 1, use_reasoning: false }] }
  - { name: physics, model_scores: [{ model: q, score: 1, use_reasoning: true }] }
default_model: q
`

describe('pipeline modules', () => {
  it('maps MMLU labels to generic categories and applies the model threshold', async () => {
    const t = await makeRuntime(CONFIG, { plugins })
    const confident = await t.runtime.pipeline.handleRequest(
      chatBody('dist: math=0.95 law=0.05'),
      meta(),
    )
    assert.equal(confident.ctx.category, 'mathematics')
    const unsure = await t.runtime.pipeline.handleRequest(
      chatBody('dist: math=0.5 law=0.5'),
      meta(),
    )
    assert.equal(unsure.ctx.category, '')
    assert.equal(unsure.ctx.reasonCode, 'default_model')
    await t.runtime.close()
  })

  it('decides reasoning from the entropy of the distribution', async () => {
    const t = await makeRuntime(CONFIG, { plugins })
    const lost = await t.runtime.pipeline.handleRequest(
      chatBody('dist: law=0.25 history=0.25 math=0.25 physics=0.25'),
      meta(),
    )
    assert.equal(lost.ctx.reasoning?.enabled, true)
    assert.equal(lost.ctx.reasoning?.reason, 'entropy:very_high_uncertainty_conservative_default')
    if (lost.action !== 'forward') assert.fail()
    assert.deepEqual(JSON.parse(lost.body.toString())['chat_template_kwargs'], {
      enable_thinking: true,
    })
    const sure = await t.runtime.pipeline.handleRequest(
      chatBody('dist: law=0.97 math=0.03'),
      meta(),
    )
    assert.equal(sure.ctx.reasoning?.enabled, false)
    const text = await t.metricsText()
    assert.match(
      text,
      /llm_entropy_classification_decisions_total\{uncertainty_level="very_high",reasoning_enabled="true",decision_reason="very_high_uncertainty_conservative_default",top_category="\w+"\} 1/,
    )
    assert.match(
      text,
      /llm_probability_distribution_quality_total\{quality_check="sum_check",status="valid"\} 2/,
    )
    await t.runtime.close()
  })

  it('lets the config disable and reorder modules', async () => {
    const t = await makeRuntime(
      CONFIG.replace(
        'pipeline:\n',
        'pipeline:\n  modules: [{ name: system_prompt, enabled: false }, { name: reasoning, enabled: false }]\n',
      ),
      { plugins },
    )
    const outcome = await t.runtime.pipeline.handleRequest(chatBody('dist: math=0.99'), meta())
    assert.equal(outcome.ctx.reasoning, undefined)
    await t.runtime.close()
  })

  it('rejects unknown modules and orders that break dependencies', () => {
    const bad = (modules: string) => parseConfigText(`pipeline:\n  modules: ${modules}\n`).config
    assert.throws(
      () => resolveModuleOrder(bad('[{ name: teleport }]')),
      (err: unknown) => err instanceof RouterError && /unknown module "teleport"/.test(err.message),
    )
    assert.throws(
      () => resolveModuleOrder(bad('[{ name: routing }, { name: classification }]')),
      (err: unknown) =>
        err instanceof RouterError && /"routing" must run after "classification"/.test(err.message),
    )
    const names = resolveModuleOrder(bad('[{ name: system_prompt, enabled: false }]')).map(
      (m) => m.factory.kind,
    )
    assert.deepEqual(names, [
      'classification',
      'routing',
      'decision_plugins',
      'jailbreak',
      'pii',
      'semantic_cache',
      'reasoning',
    ])
  })

  it('tells modules that already ran when a later module answers or the request fails', async () => {
    const t = await makeRuntime(CONFIG, { plugins })
    const seen: { status: number; error?: string }[] = []
    const recorder: PipelineModule = {
      name: 'recorder',
      apiVersion: PLUGIN_API_VERSION,
      onRequest: () => undefined,
      onResponse: (_ctx, record) => {
        seen.push({ status: record.status, ...(record.error ? { error: record.error } : {}) })
      },
    }
    const blocker: PipelineModule = {
      name: 'blocker',
      apiVersion: PLUGIN_API_VERSION,
      onRequest: (ctx) => {
        if (ctx.request.userText.includes('fail')) throw new RouterError('classifier_failed')
        return { status: 200, headers: {}, body: '{}', kind: 'jailbreak_block' }
      },
    }
    const p = t.runtime.pipeline
    const pipeline = new Pipeline({ ...p, modules: [recorder, blocker] })
    const answered = await pipeline.handleRequest(chatBody('hello'), meta())
    assert.equal(answered.action, 'respond')
    await assert.rejects(pipeline.handleRequest(chatBody('please fail'), meta()))
    assert.deepEqual(seen, [
      { status: 200, error: 'answered_by_blocker' },
      { status: 503, error: 'request_failed' },
    ])
    await t.runtime.close()
  })

  it('gives every module its prepare() head start before any onRequest', async () => {
    const t = await makeRuntime(CONFIG, { plugins })
    const events: string[] = []
    const started = new WeakMap<object, Promise<string>>()
    const first: PipelineModule = {
      name: 'first',
      apiVersion: PLUGIN_API_VERSION,
      prepare: () => events.push('prepare first'),
      onRequest: (ctx) => {
        events.push('request first')
        if (ctx.request.userText.includes('stop'))
          return { status: 200, headers: {}, body: '{}', kind: 'jailbreak_block' }
      },
    }
    const second: PipelineModule = {
      name: 'second',
      apiVersion: PLUGIN_API_VERSION,
      prepare(ctx) {
        events.push('prepare second')
        const work = ctx.request.userText.includes('stop')
          ? Promise.reject(new Error('never observed'))
          : Promise.resolve('prepared result')
        work.catch(() => undefined)
        started.set(ctx, work)
      },
      async onRequest(ctx) {
        events.push(`request second: ${await started.get(ctx)}`)
      },
    }
    const p = t.runtime.pipeline
    const pipeline = new Pipeline({ ...p, modules: [first, second] })
    assert.equal((await pipeline.handleRequest(chatBody('hello'), meta())).action, 'forward')
    assert.deepEqual(events, [
      'prepare first',
      'prepare second',
      'request first',
      'request second: prepared result',
    ])
    events.length = 0
    // Answered by the first module: the second's prepared work is dropped without a trace.
    assert.equal((await pipeline.handleRequest(chatBody('stop'), meta())).action, 'respond')
    assert.deepEqual(events, ['prepare first', 'prepare second', 'request first'])
    await t.runtime.close()
  })

  it('rejects unknown classifier kinds in the chain', async () => {
    await assert.rejects(
      makeRuntime('pipeline:\n  classifiers: [{ kind: telepathy }]\n'),
      (err: unknown) => err instanceof RouterError && err.code === 'config_invalid',
    )
  })
})
