/** Bad requests get a clear OpenAI-shaped error with a stable code, a log line, and a metric. */
import assert from 'node:assert/strict'
import { request, type IncomingHttpHeaders } from 'node:http'
import { after, before, describe, it } from 'node:test'
import type { Simulator } from '../../src/simulator/index.js'
import {
  FAMILY_MODELS,
  familiesConfig,
  postJson,
  startRouter,
  startSim,
  type TestRouter,
  readJson,
  type Json,
} from '../helpers/router.js'

describe('gateway bad input', () => {
  let sim: Simulator
  let router: TestRouter
  let url: string

  before(async () => {
    sim = await startSim({ models: FAMILY_MODELS })
    router = await startRouter(familiesConfig(sim.port, 'server: { max_body_bytes: 2048 }'))
    url = `${router.gatewayUrl}/v1/chat/completions`
  })
  after(async () => {
    await router.close()
    await sim.close()
  })

  const expectError = (
    res: { status: number; json: Json; headers: Headers },
    status: number,
    code: string,
  ): void => {
    assert.equal(res.status, status)
    assert.equal(res.json?.error?.code, code, JSON.stringify(res.json))
    assert.equal(typeof res.json.error.message, 'string')
    assert.equal(typeof res.json.error.type, 'string')
    assert.ok(res.headers.get('x-request-id'))
  }

  it('rejects malformed JSON with 400 invalid_json', async () => {
    const res = await postJson(url, '{"model": "MoM", "messages": [')
    expectError(res, 400, 'invalid_json')
    const logged = router.logs.filter(
      (l) => l.code === 'invalid_json' && l.request_id === res.headers.get('x-request-id'),
    )
    assert.equal(logged.length, 1, 'exactly one log line for the error')
  })

  it('rejects wrong types with 400 invalid_request naming the field', async () => {
    let res = await postJson(url, { model: 42, messages: [{ role: 'user', content: 'x' }] })
    expectError(res, 400, 'invalid_request')
    assert.equal(res.json.error.param, 'model')
    res = await postJson(url, { model: 'MoM', messages: [{ role: 'user', content: 7 }] })
    expectError(res, 400, 'invalid_request')
    res = await postJson(url, {
      model: 'MoM',
      stream: 'yes',
      messages: [{ role: 'user', content: 'x' }],
    })
    expectError(res, 400, 'invalid_request')
    res = await postJson(url, [1, 2, 3])
    expectError(res, 400, 'invalid_request')
  })

  it('rejects missing or empty messages with 400 missing_messages', async () => {
    expectError(await postJson(url, { model: 'MoM' }), 400, 'missing_messages')
    expectError(await postJson(url, { model: 'MoM', messages: [] }), 400, 'missing_messages')
  })

  it('rejects an unknown model with 404 model_not_found', async () => {
    const res = await postJson(url, {
      model: 'no-such-model',
      messages: [{ role: 'user', content: 'hi' }],
    })
    expectError(res, 404, 'model_not_found')
  })

  it('rejects a body over the limit with 413, by declared length and while streaming', async () => {
    const big = JSON.stringify({
      model: 'MoM',
      messages: [{ role: 'user', content: 'x'.repeat(5000) }],
    })
    expectError(await postJson(url, big), 413, 'body_too_large')

    // Chunked upload without Content-Length: cut off once it crosses the limit.
    const res = await httpPost(url, Array(10).fill('x'.repeat(1000)), {
      'content-type': 'application/json',
    })
    assert.equal(res.status, 413)
    assert.equal(JSON.parse(res.body).error.code, 'body_too_large')
    assert.match(
      await router.metricsText(),
      /llm_request_errors_total\{model="unknown",reason="body_too_large"\} [1-9]/,
    )
  })

  it('rejects a non-JSON content type with 415', async () => {
    const res = await postJson(url, 'a=b', { 'content-type': 'multipart/form-data; boundary=x' })
    expectError(res, 415, 'unsupported_media_type')
  })

  it('accepts curl-style form content type when the body is JSON', async () => {
    const res = await postJson(
      url,
      { model: 'MoM', messages: [{ role: 'user', content: 'hello' }] },
      { 'content-type': 'application/x-www-form-urlencoded' },
    )
    assert.equal(res.status, 200)
  })

  it('answers 404 route_not_found and 405 method_not_allowed', async () => {
    let res = await fetch(`${router.gatewayUrl}/v1/embeddings`, { method: 'POST', body: '{}' })
    assert.equal(res.status, 404)
    assert.equal((await readJson(res)).error.code, 'route_not_found')
    res = await fetch(url)
    assert.equal(res.status, 405)
    assert.equal(res.headers.get('allow'), 'POST')
    assert.equal((await readJson(res)).error.code, 'method_not_allowed')
  })

  it('never forwards client routing headers, and overrides nothing the router owns', async () => {
    sim.clearReceived()
    // node:http rather than fetch: fetch refuses to send Connection and some proxy headers.
    const res = await httpPost(
      url,
      JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content: 'hello' }] }),
      {
        'content-type': 'application/json',
        'x-vsr-destination-endpoint': '10.0.0.1:1',
        'x-gateway-destination-endpoint': '10.0.0.1:1',
        'x-selected-model': 'evil',
        'x-vsr-selected-model': 'evil',
        'x-ai-eg-model': 'evil',
        'accept-encoding': 'gzip',
        'proxy-authorization': 'Basic abc',
        connection: 'keep-alive, x-drop-me',
        'x-drop-me': '1',
        'x-custom-header': 'kept',
        authorization: 'Bearer client-key',
      },
    )
    assert.equal(res.status, 200)
    assert.equal(res.headers['x-vsr-selected-model'], 'plain-model')
    const h = sim.receivedChats().at(-1)!.headers
    assert.equal(h['x-selected-model'], 'plain-model', 'the router sets its own value')
    assert.notEqual(h['x-vsr-destination-endpoint'], '10.0.0.1:1')
    assert.equal(h['x-gateway-destination-endpoint'], undefined)
    assert.equal(h['x-vsr-selected-model'], undefined)
    assert.equal(h['x-ai-eg-model'], undefined)
    assert.equal(h['proxy-authorization'], undefined)
    assert.equal(h['x-drop-me'], undefined, 'headers named in Connection are hop-by-hop')
    assert.equal(h['accept-encoding'], 'identity')
    assert.equal(h['x-custom-header'], 'kept')
    assert.equal(h['authorization'], 'Bearer client-key')
  })
})

/** POST with node:http; `body` as an array is sent as separate chunks (chunked encoding). */
function httpPost(
  url: string,
  body: string | string[],
  headers: Record<string, string>,
): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (r) => {
      let text = ''
      r.setEncoding('utf8')
      r.on('data', (c: string) => (text += c))
      r.on('end', () => resolve({ status: r.statusCode ?? 0, body: text, headers: r.headers }))
    })
    req.on('error', reject)
    for (const part of Array.isArray(body) ? body : [body]) req.write(part)
    req.end()
  })
}
