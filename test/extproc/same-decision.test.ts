/**
 * One pipeline, two transports: the same request through the standalone gateway and through
 * ext_proc (Envoy played by the test client, forwarding to where the router said) reaches the
 * simulator with the same body, gets the same x-vsr-* headers and logs the same decision.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { forwardToDestination, type Headers } from '../helpers/envoy.js'
import { FAMILY_MODELS, familiesConfig, useBothTransports } from '../helpers/router.js'

const DECISION_FIELDS = [
  'outcome',
  'reason_code',
  'original_model',
  'selected_model',
  'category',
  'reasoning_enabled',
  'reasoning_effort',
  'system_prompt_injected',
  'selected_endpoint',
  'status',
] as const

const CASES: { name: string; body: Record<string, unknown> }[] = [
  {
    name: 'math → qwen3 thinking on',
    body: { model: 'MoM', messages: [{ role: 'user', content: 'an integral' }] },
  },
  {
    name: 'chat → qwen3 thinking off',
    body: { model: 'MoM', messages: [{ role: 'user', content: 'the weather' }] },
  },
  {
    name: 'code → deepseek, inserted prompt',
    body: {
      model: 'auto',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'python sort' },
      ],
    },
  },
  {
    name: 'essay → gpt-oss effort high',
    body: { model: 'MoM', messages: [{ role: 'user', content: 'an essay' }], temperature: 0.2 },
  },
  {
    name: 'no match → default model',
    body: { model: 'MoM', messages: [{ role: 'user', content: 'something else' }] },
  },
  {
    name: 'explicit model passes through',
    body: { model: 'gpt-oss-20b', messages: [{ role: 'user', content: 'an integral' }] },
  },
  {
    name: 'streaming request',
    body: { model: 'MoM', stream: true, messages: [{ role: 'user', content: 'an integral' }] },
  },
]

const vsr = (headers: Headers) =>
  Object.fromEntries(Object.entries(headers).filter(([k]) => k.startsWith('x-vsr-')))

describe('gateway and ext_proc make the same decision', () => {
  const both = useBothTransports(FAMILY_MODELS, (port) => familiesConfig(port))

  const lastDecision = (transport: string) => {
    const event = both.router
      .events('routing_decision')
      .filter((e) => e['transport'] === transport)
      .at(-1)
    assert.ok(event, `a ${transport} routing_decision was logged`)
    return Object.fromEntries(DECISION_FIELDS.map((k) => [k, event[k]]))
  }

  for (const c of CASES) {
    it(c.name, async () => {
      const body = JSON.stringify(c.body)
      const stream = c.body['stream'] === true
      const accept = stream ? 'text/event-stream' : 'application/json'

      both.sim.clearReceived()
      const res = await fetch(`${both.router.gatewayUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body,
      })
      await res.arrayBuffer()
      assert.equal(res.status, 200)
      const viaGateway = both.sim.receivedChats().at(-1)!
      const gatewayHeaders = vsr(Object.fromEntries(res.headers))

      both.sim.clearReceived()
      const ex = await both.envoy.exchange({ body, headers: { accept } }, forwardToDestination)
      assert.equal(ex.status, 200)
      const viaExtproc = both.sim.receivedChats().at(-1)!

      assert.deepEqual(viaExtproc.json, viaGateway.json, 'same upstream body')
      assert.equal(viaExtproc.port, viaGateway.port, 'same endpoint')
      assert.equal(viaExtproc.headers['x-selected-model'], viaGateway.headers['x-selected-model'])
      assert.deepEqual(vsr(ex.headers), gatewayHeaders, 'same x-vsr-* response headers')
      assert.deepEqual(lastDecision('extproc'), lastDecision('gateway'), 'same logged decision')
      if (stream) assert.equal(ex.responseBodyMode, 'STREAMED')
    })
  }

  it('rejects the same malformed bodies with the same error', async () => {
    for (const body of [
      '{"model":',
      '{"model":"MoM"}',
      '[1,2]',
      '{"model":"MoM","messages":[{"role":7}]}',
    ]) {
      const res = await fetch(`${both.router.gatewayUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
      const gateway = (await res.json()) as { error: { code: string } }
      const ex = await both.envoy.exchange({ body }, () => assert.fail('never forwarded'))
      assert.equal(ex.status, res.status, body)
      assert.equal(
        (JSON.parse(ex.body.toString()) as { error: { code: string } }).error.code,
        gateway.error.code,
        body,
      )
    }
  })
})
