/**
 * Decision rules through both transports: the same v0.3 config behind the standalone gateway and
 * behind ext_proc (Envoy played by the test client) must pick the same decision and model for
 * AND / OR / NOT nesting, priorities, ties, metadata and header signals, fast responses, recipes,
 * and the no-match path (default model, no decision header).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { forwardToDestination, type Headers } from '../helpers/envoy.js'
import { useBothTransports } from '../helpers/router.js'

const MODELS = ['small', 'large', 'coder']

const config = (simPort: number) => `
version: v0.3
providers:
  defaults: { default_model: small }
  models:
    - { name: small, backend_refs: [{ name: sim, endpoint: "127.0.0.1:${simPort}" }] }
    - { name: large, backend_refs: [{ name: sim, endpoint: "127.0.0.1:${simPort}" }] }
    - { name: coder, backend_refs: [{ name: sim, endpoint: "127.0.0.1:${simPort}" }] }
routing:
  modelCards: [{ name: small }, { name: large }, { name: coder }]
  signals:
    keywords:
      - { name: urgent, operator: OR, keywords: [urgent, asap] }
      - { name: code, operator: OR, keywords: [python, function] }
      - { name: secret, operator: OR, keywords: [password] }
      - { name: tie, operator: OR, keywords: [tiebreak] }
      - { name: banned, operator: OR, keywords: [forbidden] }
    metadata:
      - { name: canary, key: cohort, predicate: { equals: canary } }
    headers:
      - { name: gold, header: x-tenant, predicate: { in: [gold, platinum] } }
    context:
      - { name: long, min_tokens: 200, max_tokens: 1M }
  decisions:
    - name: blocked
      priority: 500
      rules: { type: keyword, name: banned }
      plugins: [{ type: fast_response, configuration: { message: "Not here." } }]
    - name: canary_cohort
      priority: 300
      rules: { operator: AND, conditions: [{ type: metadata, name: canary }] }
      modelRefs: [{ model: large }]
    - name: gold_code
      priority: 200
      rules:
        operator: AND
        conditions: [{ type: header, name: gold }, { type: keyword, name: code }]
      modelRefs: [{ model: coder }]
    - name: urgent_not_secret
      priority: 150
      rules:
        operator: AND
        conditions:
          - { type: keyword, name: urgent }
          - { operator: NOT, conditions: [{ type: keyword, name: secret }] }
      modelRefs: [{ model: large, use_reasoning: true }]
    - name: nested
      priority: 100
      rules:
        operator: OR
        conditions:
          - operator: AND
            conditions: [{ type: keyword, name: code }, { type: keyword, name: urgent }]
          - operator: AND
            conditions:
              - { type: context, name: long }
              - { operator: NOT, conditions: [{ type: keyword, name: secret }] }
      modelRefs: [{ model: coder }, { model: large }]
    - name: tie_b
      priority: 50
      rules: { type: keyword, name: tie }
      modelRefs: [{ model: large }]
    - name: tie_a
      priority: 50
      rules: { type: keyword, name: tie }
      modelRefs: [{ model: coder }]
    - name: catch_all_low
      priority: 50
      rules: { operator: AND }
      modelRefs: [{ model: small }]
entrypoints:
  - { model_names: [vsr/strict], recipe: strict }
recipes:
  - name: strict
    routing:
      signals:
        keywords: [{ name: code, operator: OR, keywords: [python] }]
      decisions:
        - name: strict_code
          priority: 10
          rules: { type: keyword, name: code }
          modelRefs: [{ model: coder }]
`

interface Case {
  readonly name: string
  readonly text: string
  readonly model?: string
  readonly headers?: Headers
  readonly metadata?: Record<string, string>
  /** Expected decision (undefined: none matched, no header). */
  readonly decision: string | undefined
  readonly selected: string
  readonly algorithm?: string
  readonly recipe?: string
  readonly fast?: boolean
}

const LONG = 'Please summarise this report. '.repeat(40)

const CASES: readonly Case[] = [
  {
    name: 'a top-priority fast response',
    text: 'a forbidden topic',
    decision: 'blocked',
    selected: '',
    fast: true,
  },
  {
    name: 'metadata outranks everything below it',
    text: 'python function asap',
    metadata: { cohort: 'canary' },
    decision: 'canary_cohort',
    selected: 'large',
    algorithm: 'single',
  },
  {
    name: 'metadata that does not match is ignored',
    text: 'hello there',
    metadata: { cohort: 'stable' },
    decision: 'catch_all_low',
    selected: 'small',
  },
  {
    name: 'AND of a header signal and a keyword',
    text: 'a python question',
    headers: { 'x-tenant': 'platinum' },
    decision: 'gold_code',
    selected: 'coder',
  },
  {
    name: 'AND with NOT: urgent and no secret',
    text: 'urgent: reset my account',
    decision: 'urgent_not_secret',
    selected: 'large',
  },
  {
    name: 'NOT fails: the lower OR branch (code AND urgent) still matches',
    text: 'urgent python password script',
    decision: 'nested',
    selected: 'coder',
    algorithm: 'static',
  },
  {
    name: 'nested OR reached through its second AND branch (long context)',
    text: LONG,
    decision: 'nested',
    selected: 'coder',
  },
  {
    name: 'the header alone does not satisfy AND',
    text: 'a plain question',
    headers: { 'x-tenant': 'gold' },
    decision: 'catch_all_low',
    selected: 'small',
  },
  {
    name: 'equal priority and confidence: the name decides (tie_a before tie_b)',
    text: 'tiebreak please',
    decision: 'tie_a',
    selected: 'coder',
  },
  {
    name: 'a recipe through its entrypoint',
    text: 'some python',
    model: 'vsr/strict',
    decision: 'strict_code',
    selected: 'coder',
    recipe: 'strict',
  },
  {
    name: 'no decision in the recipe matches: the default model, no decision header',
    text: 'hello',
    model: 'vsr/strict',
    decision: undefined,
    selected: 'small',
    recipe: 'strict',
  },
]

const vsr = (headers: Headers) =>
  Object.fromEntries(
    Object.entries(headers).filter(
      ([k]) => k.startsWith('x-vsr-') && k !== 'x-vsr-destination-endpoint',
    ),
  )

describe('decision rules through the gateway and ext_proc', () => {
  const both = useBothTransports(MODELS, (port) => config(port))

  for (const c of CASES)
    it(c.name, async () => {
      const body = JSON.stringify({
        model: c.model ?? 'MoM',
        messages: [{ role: 'user', content: c.text }],
        ...(c.metadata ? { metadata: c.metadata } : {}),
      })
      const headers = { 'content-type': 'application/json', ...c.headers }

      both.sim.clearReceived()
      const res = await fetch(`${both.router.gatewayUrl}/v1/chat/completions`, {
        method: 'POST',
        headers,
        body,
      })
      const answer = (await res.json()) as { choices: { message: { content: string } }[] }
      assert.equal(res.status, 200)
      const gateway = vsr(Object.fromEntries(res.headers))
      const upstream = both.sim.receivedChats().at(-1)

      both.sim.clearReceived()
      const ex = await both.envoy.exchange({ body, headers }, forwardToDestination)
      assert.equal(ex.status, 200)
      const extproc = vsr(ex.headers)

      assert.deepEqual(extproc, gateway, 'the same x-vsr-* headers on both transports')
      assert.equal(gateway['x-vsr-selected-decision'], c.decision)
      assert.equal(gateway['x-vsr-selected-recipe'], c.recipe ?? 'default')
      if (c.fast) {
        assert.equal(upstream, undefined, 'a fast response calls no model')
        assert.equal(both.sim.receivedChats().length, 0)
        assert.equal(answer.choices[0]?.message.content, 'Not here.')
        assert.equal(gateway['x-vsr-selected-algorithm'], 'fast_response')
        assert.equal(ex.immediate, true)
        return
      }
      assert.equal(gateway['x-vsr-selected-model'], c.selected)
      const sentModel = (chat: typeof upstream) =>
        (chat?.json as { model?: string } | undefined)?.model
      assert.equal(sentModel(upstream), c.selected, 'the gateway sent the chosen model')
      assert.equal(sentModel(both.sim.receivedChats().at(-1)), c.selected, 'so did ext_proc')
      if (c.decision === undefined) {
        assert.equal(gateway['x-vsr-selected-confidence'], undefined)
        assert.equal(gateway['x-vsr-selected-algorithm'], undefined)
      } else assert.equal(gateway['x-vsr-selected-algorithm'], c.algorithm ?? gatewayAlgorithm(c))
    })

  it('adds the matched signals when the client asks for debug headers (x-vsr-debug: true)', async () => {
    const body = JSON.stringify({
      model: 'MoM',
      messages: [{ role: 'user', content: 'urgent python help' }],
    })
    const headers = { 'content-type': 'application/json', 'x-vsr-debug': 'true' }
    const res = await fetch(`${both.router.gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body,
    })
    await res.arrayBuffer()
    const gateway = vsr(Object.fromEntries(res.headers))
    assert.equal(gateway['x-vsr-matched-keywords'], 'urgent,code')
    assert.match(gateway['x-vsr-context-token-count'] ?? '', /^\d+$/)
    assert.equal(
      both.sim.receivedChats().at(-1)?.headers['x-vsr-debug'],
      undefined,
      'the flag is not forwarded',
    )
    const ex = await both.envoy.exchange({ body, headers }, forwardToDestination)
    assert.deepEqual(vsr(ex.headers), gateway)
  })

  it('reports every decision in the metrics', async () => {
    const text = await both.router.metricsText()
    assert.match(
      text,
      /llm_decision_selections_total\{recipe="default",decision="nested",algorithm="static"\} 4/,
    )
    assert.match(
      text,
      /llm_decision_selections_total\{recipe="strict",decision="none",algorithm="default"\} 2/,
    )
    assert.match(text, /llm_signal_evaluation_latency_seconds_count\{signal="keyword"\}/)
  })

  it('logs the decision', () => {
    const logged = both.router
      .events('routing_decision')
      .filter((e) => e['decision'] === 'gold_code')
    assert.equal(logged.length, 2)
    assert.deepEqual(
      logged.map((e) => [e['transport'], e['recipe'], e['selected_model'], e['algorithm']]),
      [
        ['gateway', 'default', 'coder', 'single'],
        ['extproc', 'default', 'coder', 'single'],
      ],
    )
  })
})

function gatewayAlgorithm(c: Case): string {
  return c.decision === 'nested' ? 'static' : 'single'
}
