/**
 * ext_proc conformance: the request and response flow as Envoy drives it (BUFFERED and STREAMED
 * bodies, mode override, trailers), played by the Envoy stand-in in test/helpers/envoy.ts.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { UPSTREAM_FILTER, type FilterConfig, type UpstreamRequest } from '../helpers/envoy.js'
import {
  completionResponse,
  metricValue,
  sseResponse,
  startExtProc,
  type ExtProcFixture,
} from '../helpers/extproc.js'
import { chat, ROUTER_YAML } from './fixtures.js'

const STREAMED_REQUEST: FilterConfig = { ...UPSTREAM_FILTER, request_body_mode: 'STREAMED' }

function sent(req: UpstreamRequest | undefined): Record<string, unknown> {
  assert.ok(req, 'the request reached the upstream')
  return JSON.parse(req.body.toString()) as Record<string, unknown>
}

describe('ext_proc request and response flow', () => {
  let f: ExtProcFixture
  before(async () => {
    f = await startExtProc(ROUTER_YAML)
  })
  after(() => f.close())

  it('routes a BUFFERED request: body rewrite, destination, content-length, x-vsr headers, usage', async () => {
    let seen: UpstreamRequest | undefined
    const ex = await f.envoy.exchange({ body: chat('What is the integral of x^2?') }, (req) => {
      seen = req
      return completionResponse('qwen3-32b')
    })
    assert.deepEqual(ex.transcript, [
      '> request_headers',
      '< request_headers',
      '> request_body[eos]',
      '< request_body',
      '> response_headers',
      '< response_headers',
      '> response_body[eos]',
      '< response_body',
    ])
    const body = sent(seen)
    assert.equal(body['model'], 'qwen3-32b')
    assert.deepEqual(body['chat_template_kwargs'], { enable_thinking: true })
    assert.deepEqual((body['messages'] as unknown[])[0], {
      role: 'system',
      content: 'You are a mathematician.',
    })
    assert.equal(seen!.routeHeaders['x-vsr-destination-endpoint'], '127.0.0.1:9001')
    assert.equal(seen!.routeHeaders['x-selected-model'], 'qwen3-32b')
    assert.equal(seen!.headers['content-length'], String(seen!.body.length))
    assert.equal(seen!.clearRouteCache, false)
    assert.equal(ex.status, 200)
    assert.equal(ex.headers['x-vsr-selected-model'], 'qwen3-32b')
    assert.equal(ex.headers['x-vsr-selected-category'], 'math')
    assert.equal(ex.headers['x-vsr-selected-reasoning'], 'on')
    assert.equal(ex.headers['x-vsr-injected-system-prompt'], 'true')
    const metrics = await f.t.metricsText()
    assert.ok(
      metricValue(metrics, 'llm_model_completion_tokens_total', { model: 'qwen3-32b' }) >= 7,
    )
    assert.ok(metricValue(metrics, 'llm_model_cost_total', { model: 'qwen3-32b' }) > 0)
    const decision = f.t.events('routing_decision').at(-1)!
    assert.equal(decision['transport'], 'extproc')
    assert.equal(decision['total_tokens'], 18)
  })

  it('accumulates a STREAMED request body: holds chunks, emits the whole rewritten body last', async () => {
    let seen: UpstreamRequest | undefined
    const request = chat('Solve this integral please, step by step, with all the details shown')
    const ex = await f.envoy.exchange(
      { body: request, chunkSize: 16 },
      (req) => {
        seen = req
        return completionResponse('qwen3-32b')
      },
      STREAMED_REQUEST,
    )
    const chunks = Math.ceil(Buffer.byteLength(request) / 16)
    const bodies = ex.transcript.filter((m) => m.startsWith('> request_body'))
    assert.equal(bodies.length, chunks)
    assert.equal(bodies.at(-1), '> request_body[eos]')
    assert.equal(ex.transcript.filter((m) => m === '< request_body').length, chunks)
    assert.equal(sent(seen)['model'], 'qwen3-32b')
    assert.equal(seen!.headers['content-length'], undefined, 'Envoy drops content-length')
    // In STREAMED mode Envoy ignores header mutations in body replies (documented limitation).
    assert.equal(ex.ignoredHeaderMutations, 1)
  })

  it('forwards an explicit model unchanged with routing headers only', async () => {
    let seen: UpstreamRequest | undefined
    const raw = JSON.stringify({
      model: 'gpt-oss-20b',
      messages: [{ role: 'user', content: 'integral' }],
    })
    await f.envoy.exchange({ body: raw }, (req) => {
      seen = req
      return completionResponse('gpt-oss-20b')
    })
    assert.equal(seen!.body.toString(), raw)
    assert.equal(seen!.headers['content-length'], String(Buffer.byteLength(raw)))
    assert.equal(seen!.routeHeaders['x-vsr-destination-endpoint'], '127.0.0.2:9002')
    assert.equal(seen!.routeHeaders['x-selected-model'], 'gpt-oss-20b')
  })

  it('switches an SSE response to STREAMED and tracks usage from the chunks', async () => {
    const before = metricValue(await f.t.metricsText(), 'llm_model_completion_tokens_total', {
      model: 'gpt-oss-20b',
    })
    const ex = await f.envoy.exchange(
      {
        body: chat('the capital of France?', { stream: true }),
        headers: { accept: 'text/event-stream' },
      },
      () => sseResponse('gpt-oss-20b', ['Par', 'is']),
    )
    assert.equal(ex.responseBodyMode, 'STREAMED')
    const chunks = ex.transcript.filter((m) => m.startsWith('> response_body'))
    assert.equal(chunks.length, 4)
    assert.equal(chunks.at(-1), '> response_body[eos]')
    assert.ok(ex.body.toString().endsWith('data: [DONE]\n\n'))
    const after = metricValue(await f.t.metricsText(), 'llm_model_completion_tokens_total', {
      model: 'gpt-oss-20b',
    })
    assert.equal(after - before, 3)
  })

  it('keeps an SSE response BUFFERED when the filter refuses mode overrides', async () => {
    const ex = await f.envoy.exchange(
      { body: chat('capital of Peru', { stream: true }) },
      () => sseResponse('gpt-oss-20b', ['Lima']),
      { ...UPSTREAM_FILTER, allow_mode_override: false },
    )
    assert.equal(ex.responseBodyMode, 'BUFFERED')
    assert.equal(ex.transcript.filter((m) => m.startsWith('> response_body')).length, 1)
  })

  it('never sends trailers in SKIP mode, yet finishes the response when the stream ends', async () => {
    const decisions = f.t.events('routing_decision').length
    const upstream = { ...completionResponse('qwen3-32b'), trailers: { 'x-trailer': 'a' } }
    const ex = await f.envoy.exchange(
      { body: chat('integral'), trailers: { 'x-req-trailer': 'b' } },
      () => upstream,
    )
    assert.ok(!ex.transcript.some((m) => m.includes('trailers')))
    assert.equal(
      ex.transcript.filter((m) => m === '> response_body').length,
      1,
      'no eos: trailers follow',
    )
    assert.equal(f.t.events('routing_decision').length, decisions + 1)
    assert.equal(f.t.events('routing_decision').at(-1)!['total_tokens'], 18)
  })

  it('answers trailers with TrailersResponse when their mode is SEND', async () => {
    const upstream = { ...completionResponse('qwen3-32b'), trailers: { 'x-trailer': 'a' } }
    const ex = await f.envoy.exchange(
      { body: chat('integral'), trailers: { 'x-req-trailer': 'b' } },
      () => upstream,
      { ...UPSTREAM_FILTER, request_trailer_mode: 'SEND', response_trailer_mode: 'SEND' },
    )
    assert.ok(ex.transcript.includes('< request_trailers'))
    assert.deepEqual(ex.transcript.slice(-2), ['> response_trailers', '< response_trailers'])
  })

  it('records the response when Envoy skips the response phases', async () => {
    const ex = await f.envoy.exchange(
      { body: chat('integral') },
      () => completionResponse('qwen3-32b'),
      {
        ...UPSTREAM_FILTER,
        response_header_mode: 'SKIP',
        response_body_mode: 'NONE',
      },
    )
    assert.equal(ex.transcript.length, 4)
    assert.equal(f.t.events('routing_decision').at(-1)!['error'], 'response_not_observed')
  })
})
