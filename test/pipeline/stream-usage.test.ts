/**
 * Streams are counted in tokens and cost whether or not the client asks for usage, through both
 * transports: the router asks the endpoint for the usage chunk, counts it (metrics, the
 * routing_decision line), and takes it out of the stream when the client did not ask, so the
 * client receives the stream it would have got without the router. A client that asks gets it.
 * With `upstream.stream_usage: false` the router leaves the request alone (and cannot count).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Simulator } from '../../src/simulator/index.js'
import type { UpstreamRequest, UpstreamResponse } from '../helpers/envoy.js'
import { metricValue } from '../helpers/extproc.js'
import { startRouter, startSim, useBothTransports, type Json } from '../helpers/router.js'

const MODEL = 'chat-model'

function config(simPort: number, streamUsage = true): string {
  return `
vllm_endpoints:
  - { name: sim, address: 127.0.0.1, port: ${simPort} }
model_config:
  ${MODEL}: { preferred_endpoints: [sim], pricing: { prompt_per_1m: 1, completion_per_1m: 2 } }
default_model: ${MODEL}
upstream: { stream_usage: ${streamUsage} }
`
}

function streamBody(content: string, includeUsage?: boolean): string {
  return JSON.stringify({
    model: 'MoM',
    stream: true,
    messages: [{ role: 'user', content }],
    ...(includeUsage === undefined ? {} : { stream_options: { include_usage: includeUsage } }),
  })
}

/** The data events of an SSE body, parsed (`[DONE]` kept as a string). */
function events(text: string): Json[] {
  return text
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6))
    .map((d): Json => (d === '[DONE]' ? d : JSON.parse(d)))
}

/** Envoy's upstream: the simulator, its SSE body relayed in the chunks it arrived in. */
function toSimulator(sim: Simulator, seen: UpstreamRequest[]) {
  return async (req: UpstreamRequest): Promise<UpstreamResponse> => {
    seen.push(req)
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: req.body,
    })
    const chunks: Buffer[] = []
    for await (const c of res.body!) chunks.push(Buffer.from(c as Uint8Array))
    return {
      status: res.status,
      headers: { 'content-type': res.headers.get('content-type') ?? '' },
      chunks,
    }
  }
}

describe('usage of streamed requests', () => {
  const t = useBothTransports({ models: [MODEL], defaults: { ttftMs: 0, tpotMs: 1 } }, (port) =>
    config(port),
  )

  const send = {
    gateway: async (body: string) => {
      const res = await fetch(`${t.router.gatewayUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
      const text = await res.text()
      return {
        text,
        sent: t.sim.receivedChats().at(-1)!.json as Json,
        id: res.headers.get('x-request-id'),
      }
    },
    extproc: async (body: string) => {
      const seen: UpstreamRequest[] = []
      const ex = await t.envoy.exchange({ body }, toSimulator(t.sim, seen))
      return {
        text: ex.body.toString(),
        sent: JSON.parse(seen[0]!.body.toString()),
        id: ex.headers['x-request-id'],
      }
    },
  }

  for (const transport of ['gateway', 'extproc'] as const) {
    it(`${transport}: counts a stream the client asked no usage for, and hides the usage chunk`, async () => {
      const before = metricValue(
        await t.router.metricsText(),
        'llm_model_completion_tokens_total',
        {
          model: MODEL,
        },
      )
      const r = await send[transport](streamBody(`Tell me a story (${transport})`))
      assert.deepEqual(r.sent.stream_options, { include_usage: true }, 'the router asked for usage')
      const got = events(r.text)
      assert.equal(got.at(-1), '[DONE]')
      assert.ok(got.length > 3, r.text)
      for (const e of got) if (typeof e !== 'string') assert.ok(!('usage' in e), JSON.stringify(e))
      assert.ok(got.some((e) => typeof e !== 'string' && e.choices?.[0]?.finish_reason === 'stop'))

      const metrics = await t.router.metricsText()
      const counted = metricValue(metrics, 'llm_model_completion_tokens_total', { model: MODEL })
      assert.ok(counted > before, 'completion tokens counted')
      const decision = t.router.events('routing_decision').find((l) => l['request_id'] === r.id)
      assert.ok(Number(decision?.['completion_tokens']) > 0, JSON.stringify(decision))
      assert.ok(Number(decision?.['cost']) > 0)
    })

    it(`${transport}: a client that asks for usage gets the usage chunk`, async () => {
      const r = await send[transport](streamBody(`Tell me a joke (${transport})`, true))
      const usage = events(r.text).filter((e) => typeof e !== 'string' && e.usage)
      assert.equal(usage.length, 1)
      assert.deepEqual(usage[0].choices, [])
      assert.ok(usage[0].usage.completion_tokens > 0)
    })
  }

  it('a client that sent include_usage: false gets no usage, and is counted all the same', async () => {
    const r = await send.gateway(streamBody('Tell me a fact', false))
    assert.deepEqual(r.sent.stream_options, { include_usage: true })
    assert.ok(!r.text.includes('"usage"'))
    const decision = t.router.events('routing_decision').find((l) => l['request_id'] === r.id)
    assert.ok(Number(decision?.['completion_tokens']) > 0)
  })
})

describe('upstream.stream_usage: false', () => {
  it('leaves the request as the client sent it', async () => {
    const sim = await startSim({ models: [MODEL], defaults: { ttftMs: 0, tpotMs: 1 } })
    const router = await startRouter(config(sim.port, false))
    try {
      const res = await fetch(`${router.gatewayUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: streamBody('Hello'),
      })
      await res.text()
      assert.equal((sim.receivedChats().at(-1)!.json as Json).stream_options, undefined)
    } finally {
      await router.close()
      await sim.close()
    }
  })
})
