/**
 * The decision engine: strategies and tiers, lazy signal evaluation (a signal no remaining
 * contender needs is never evaluated), concurrent evaluation of independent signals, failures,
 * unsupported signal types, and the authz signal's identity rules — on real signals and the real
 * pipeline, plus signal plug-ins of the test's own where the engine's scheduling is observed.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseRouterConfig } from '../../src/assembly/load-config.js'
import { PluginRegistry } from '../../src/config/plugin.js'
import { compileDecisionModel } from '../../src/decisions/compile.js'
import { DecisionEngine } from '../../src/decisions/engine.js'
import type { AnySignalPlugin } from '../../src/signals/registry.js'
import type { SignalInput } from '../../src/signals/types.js'
import { isRouterError } from '../../src/errors.js'
import { chatBody, makeRuntime, meta } from '../helpers/runtime.js'
import { z } from 'zod'
import { parseChatRequest } from '../../src/openai/parse.js'

const MODELS = `
providers:
  defaults: { default_model: small }
  models:
    - { name: small, backend_refs: [{ endpoint: "127.0.0.1:9" }] }
    - { name: large, backend_refs: [{ endpoint: "127.0.0.1:9" }] }
routing:
  modelCards: [{ name: small }, { name: large }]
`

const decide = async (yaml: string, text: string, extra: Record<string, unknown> = {}) => {
  const t = await makeRuntime(yaml)
  try {
    const outcome = await t.runtime.pipeline.handleRequest(chatBody(text, extra), meta())
    return { outcome, t, result: outcome.ctx.decision! }
  } finally {
    await t.runtime.close()
  }
}

describe('decision engine', () => {
  const keywordOverDomain = (strategy: string) => `${MODELS}  strategy: ${strategy}
  signals:
    keywords: [{ name: kw, operator: OR, keywords: [integral] }]
    domains: [{ name: math, mmlu_categories: [math] }]
  decisions:
    - { name: by_keyword, priority: 10, rules: { type: keyword, name: kw }, modelRefs: [{ model: small }] }
    - { name: by_domain, priority: 90, rules: { type: domain, name: math }, modelRefs: [{ model: large }] }
`
  const PROMPT = 'Compute the integral of x squared times sin x from zero to pi'

  it('priority: the higher priority wins even with a lower confidence', async () => {
    const { result } = await decide(keywordOverDomain('priority'), PROMPT)
    assert.equal(result.decision?.name, 'by_domain')
    assert.ok(result.confidence < 1, `domain confidence ${result.confidence}`)
  })

  it('confidence: the keyword (1.0) beats the domain probability', async () => {
    const { result } = await decide(keywordOverDomain('confidence'), PROMPT)
    assert.equal(result.decision?.name, 'by_keyword')
    assert.equal(result.confidence, 1)
  })

  it('tiers override priority: a lower tier wins first', async () => {
    const yaml = `${MODELS}  signals:
    keywords: [{ name: kw, operator: OR, keywords: [hello] }]
  decisions:
    - { name: high_priority_tier_2, priority: 100, tier: 2, rules: { type: keyword, name: kw }, modelRefs: [{ model: large }] }
    - { name: low_priority_tier_1, priority: 1, tier: 1, rules: { type: keyword, name: kw }, modelRefs: [{ model: small }] }
`
    const { result } = await decide(yaml, 'hello there')
    assert.equal(result.decision?.name, 'low_priority_tier_1')
  })

  it('skips a model signal that no decision which can still win needs', async () => {
    const yaml = `${MODELS}  signals:
    keywords: [{ name: kw, operator: OR, keywords: [urgent] }]
    domains: [{ name: math, mmlu_categories: [math] }]
  decisions:
    - { name: urgent, priority: 100, rules: { type: keyword, name: kw }, modelRefs: [{ model: large }] }
    - { name: math, priority: 50, rules: { type: domain, name: math }, modelRefs: [{ model: small }] }
`
    const hit = await decide(yaml, 'urgent: what is an integral?')
    assert.equal(hit.result.decision?.name, 'urgent')
    assert.deepEqual(
      hit.result.timings.map((x) => x.type),
      ['keyword'],
      'the classifier never ran',
    )
    const miss = await decide(yaml, 'what is an integral of x squared?')
    assert.deepEqual(
      miss.result.timings.map((x) => x.type),
      ['keyword', 'domain'],
      'without the keyword the domain decides',
    )
  })

  it('an unsupported signal type never matches; its NOT does', async () => {
    const yaml = `${MODELS}  signals:
    fact_check: [{ name: needs_fact_check }]
  decisions:
    - { name: checked, priority: 10, rules: { type: fact_check, name: needs_fact_check }, modelRefs: [{ model: large }] }
    - { name: not_checked, priority: 5, rules: { operator: NOT, conditions: [{ type: fact_check, name: needs_fact_check }] }, modelRefs: [{ model: small }] }
`
    const { result } = await decide(yaml, 'Is the earth flat?')
    assert.equal(result.decision?.name, 'not_checked')
  })

  it('a request that breaks the metadata limits is a request error', async () => {
    const yaml = `${MODELS}  signals:
    metadata: [{ name: c, key: cohort, predicate: { exists: true } }]
  decisions:
    - { name: d, rules: { type: metadata, name: c }, modelRefs: [{ model: large }] }
`
    await assert.rejects(
      decide(yaml, 'hi', { metadata: { cohort: 7 } }),
      (err) => isRouterError(err) && err.code === 'invalid_request',
    )
  })
})

describe('authz signal', () => {
  const yaml = (failOpen: boolean) => `${MODELS}  signals:
    role_bindings:
      - { name: admins-binding, role: admin, subjects: [{ kind: Group, name: ops }, { kind: User, name: root }] }
  decisions:
    - { name: admin_route, priority: 10, rules: { type: authz, name: admin }, modelRefs: [{ model: large }] }
global:
  services:
    authz: { fail_open: ${failOpen} }
`
  const ask = async (
    failOpen: boolean,
    transport: 'gateway' | 'extproc',
    headers: Record<string, string>,
  ) => {
    const t = await makeRuntime(yaml(failOpen))
    try {
      const out = await t.runtime.pipeline.handleRequest(
        chatBody('hi'),
        meta({ transport, headers }),
      )
      return out.ctx.decision?.decision?.name
    } finally {
      await t.runtime.close()
    }
  }

  it('matches a group or a user on ext_proc (identity set by Envoy ext_authz)', async () => {
    assert.equal(
      await ask(false, 'extproc', { 'x-authz-user-id': 'ann', 'x-authz-user-groups': 'dev, ops' }),
      'admin_route',
    )
    assert.equal(await ask(false, 'extproc', { 'x-authz-user-id': 'root' }), 'admin_route')
    assert.equal(
      await ask(false, 'extproc', { 'x-authz-user-id': 'bob', 'x-authz-user-groups': 'dev' }),
      undefined,
    )
  })

  it('refuses an unknown caller unless fail_open', async () => {
    await assert.rejects(
      ask(false, 'extproc', {}),
      (err) => isRouterError(err) && err.code === 'identity_required' && err.status === 401,
    )
    assert.equal(await ask(true, 'extproc', {}), undefined)
  })

  it('does not believe client identity headers on the gateway by default', async () => {
    await assert.rejects(
      ask(false, 'gateway', { 'x-authz-user-id': 'root', 'x-authz-user-groups': 'ops' }),
      (err) => isRouterError(err) && err.code === 'identity_required',
    )
  })
})

describe('signal scheduling', () => {
  /** Test plug-ins in place of the built-in domain and embedding signals, recording their timing. */
  function recorder(kind: 'domain' | 'embedding', log: string[], fail = false): AnySignalPlugin {
    return {
      kind,
      family: kind === 'domain' ? 'domains' : 'embeddings',
      cost: 'model',
      description: `test ${kind}`,
      optionsSchema: z.unknown(),
      create: () => ({
        async evaluate() {
          log.push(`start ${kind}`)
          await new Promise((r) => setTimeout(r, 20))
          log.push(`end ${kind}`)
          if (fail) throw new Error('model down')
          return { matches: new Map([[kind === 'domain' ? 'math' : 'close', 0.8]]) }
        },
      }),
    }
  }
  const yaml = `${MODELS}  signals:
    domains: [{ name: math }]
    embeddings: [{ name: close, threshold: 0.5, candidates: [x] }]
  decisions:
    - { name: both, priority: 10, rules: { operator: AND, conditions: [{ type: domain, name: math }, { type: embedding, name: close }] }, modelRefs: [{ model: large }] }
`
  const input = (): SignalInput => ({
    request: parseChatRequest(chatBody('q')),
    headers: {},
    text: 'q',
    history: [],
    identity: { user: undefined, groups: [] },
    memo: new Map(),
  })

  it('evaluates independent model signals concurrently', async () => {
    const log: string[] = []
    const model = compileDecisionModel(parseRouterConfig(yaml).config)
    const registry = new PluginRegistry<AnySignalPlugin>('signal', [
      recorder('domain', log),
      recorder('embedding', log),
    ])
    const engine = await DecisionEngine.build(model, {} as never, registry)
    const result = await engine.start(model.recipes.get('default')!, input())
    assert.equal(result.decision?.name, 'both')
    assert.equal(result.confidence, 0.8)
    assert.deepEqual(
      log.slice(0, 2).sort(),
      ['start domain', 'start embedding'],
      'both started before either ended',
    )
  })

  it('a failing signal counts as no match and is reported', async () => {
    const log: string[] = []
    const failures: string[] = []
    const model = compileDecisionModel(parseRouterConfig(yaml).config)
    const registry = new PluginRegistry<AnySignalPlugin>('signal', [
      recorder('domain', log, true),
      recorder('embedding', log),
    ])
    const engine = await DecisionEngine.build(model, {} as never, registry, {
      onSignalError: (type) => failures.push(type),
    })
    const result = await engine.start(model.recipes.get('default')!, input())
    assert.equal(result.decision, undefined)
    assert.deepEqual(failures, ['domain'])
  })
})
