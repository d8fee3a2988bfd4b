/**
 * Issue 13: upstream protocol errors are mapped, not relayed. An endpoint that answers 200 with a
 * body that is not JSON (text/plain, broken JSON), an impossible HTTP status (999), or something
 * that is not HTTP at all is 502 `upstream_protocol_error`; a stream that ends without `[DONE]` or
 * a `finish_reason` ends with an `upstream_stream_aborted` error event instead of a silently short
 * answer. Each is counted in `llm_request_errors_total`. Gateway against a raw misbehaving
 * server; ext_proc with the test playing the upstream as Envoy relays it.
 */
import assert from 'node:assert/strict'
import { createServer, type Server, type Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { metricValue } from '../helpers/extproc.js'
import { startRouter, type TestRouter } from '../helpers/router.js'
import { EnvoyClient, type UpstreamResponse } from '../helpers/envoy.js'

const chunk = (finish: string | null) =>
  `data: ${JSON.stringify({
    id: 'c1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: { content: 'partial ' }, finish_reason: finish }],
  })}\n\n`

/** What the raw upstream sends for each mode (named by the prompt). */
const REPLIES: Record<string, string> = {
  'text-plain':
    'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello',
  'bad-json':
    'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 6\r\nConnection: close\r\n\r\n{oops!',
  'status-999':
    'HTTP/1.1 999 Odd\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
  'not-http': 'SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n',
  'stream-cut': `HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n${chunk(null)}${chunk(null)}`,
  'stream-ok': `HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n${chunk(null)}${chunk('stop')}data: [DONE]\n\n`,
}

/** A TCP server that reads one request and answers with the mode its prompt names. */
function rawUpstream(): Promise<Server> {
  const server = createServer((socket: Socket) => {
    let text = ''
    socket.on('data', (d: Buffer) => {
      text += d.toString()
      const mode = Object.keys(REPLIES).find((m) => text.includes(`mode ${m}`))
      if (mode === undefined) return
      socket.end(REPLIES[mode]!)
    })
    socket.on('error', () => undefined)
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

let upstream: Server
let router: TestRouter
let envoy: EnvoyClient
before(async () => {
  upstream = await rawUpstream()
  const port = (upstream.address() as { port: number }).port
  router = await startRouter(
    `
vllm_endpoints:
  - { name: raw, address: 127.0.0.1, port: ${port} }
model_config:
  m: { preferred_endpoints: [raw] }
default_model: m
resilience: { retries: { max_tries: 1 } }
`,
    { listen: { enableExtproc: true, extprocPort: 0 } },
  )
  envoy = new EnvoyClient(`127.0.0.1:${router.app.extproc!.port}`)
})
after(async () => {
  envoy?.close()
  await router?.close()
  await new Promise((r) => upstream.close(r))
})

const body = (mode: string, stream = false) =>
  JSON.stringify({ model: 'm', stream, messages: [{ role: 'user', content: `mode ${mode}` }] })

async function errorsCounted(reason: string): Promise<number> {
  return metricValue(await router.metricsText(), 'llm_request_errors_total', { reason })
}

describe('upstream protocol errors (gateway)', () => {
  for (const mode of ['text-plain', 'bad-json', 'status-999', 'not-http'])
    it(`${mode}: 502 upstream_protocol_error, counted`, async () => {
      const before = await errorsCounted('upstream_protocol_error')
      const res = await fetch(`${router.gatewayUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body(mode),
      })
      const text = await res.text()
      assert.equal(res.status, 502, text)
      assert.equal(
        (JSON.parse(text) as { error: { code: string } }).error.code,
        'upstream_protocol_error',
      )
      assert.equal((await errorsCounted('upstream_protocol_error')) - before, 1)
    })

  it('a stream without [DONE] or finish_reason ends with an upstream_stream_aborted event', async () => {
    const before = await errorsCounted('upstream_stream_aborted')
    const res = await fetch(`${router.gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body('stream-cut', true),
    })
    const text = await res.text()
    assert.equal(res.status, 200)
    const events = text.split('\n\n').filter((e) => e.startsWith('data: '))
    assert.match(events.at(-1)!, /"code":"upstream_stream_aborted"/)
    assert.equal((await errorsCounted('upstream_stream_aborted')) - before, 1)
    const ok = await fetch(`${router.gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body('stream-ok', true),
    })
    assert.doesNotMatch(
      await ok.text(),
      /upstream_stream_aborted/,
      'a complete stream is untouched',
    )
  })
})

describe('upstream protocol errors (ext_proc)', () => {
  const play = (response: UpstreamResponse) => () => response
  it('an impossible status: 502 upstream_protocol_error', async () => {
    const ex = await envoy.exchange(
      { body: body('x') },
      play({
        status: 999,
        headers: { 'content-type': 'application/json' },
        chunks: [Buffer.from('{}')],
      }),
    )
    assert.equal(ex.status, 502)
    assert.match(ex.body.toString(), /upstream_protocol_error/)
  })

  for (const [mode, contentType, text] of [
    ['text-plain', 'text/plain', 'hello'],
    ['bad-json', 'application/json', '{oops!'],
    ['empty', 'application/json', ''],
  ] as const)
    it(`a 200 with a body that is not JSON (${mode}, BUFFERED): 502 upstream_protocol_error, counted`, async () => {
      const before = await errorsCounted('upstream_protocol_error')
      const ex = await envoy.exchange(
        { body: body('x') },
        play({
          status: 200,
          headers: { 'content-type': contentType },
          chunks: text === '' ? [] : [Buffer.from(text)],
        }),
      )
      if (text === '') {
        // No body message at all: Envoy sends the headers with end_of_stream; nothing to check
        // but the status, which is a success the client receives as it is.
        assert.equal(ex.status, 200)
        return
      }
      assert.equal(ex.status, 502)
      assert.equal(ex.immediate, true)
      const error = (JSON.parse(ex.body.toString()) as { error: { code: string; type: string } })
        .error
      assert.equal(error.code, 'upstream_protocol_error')
      assert.equal((await errorsCounted('upstream_protocol_error')) - before, 1)
    })

  it('a 200 with a JSON body passes unchanged (BUFFERED)', async () => {
    const json = JSON.stringify({
      id: 'c1',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
    })
    const ex = await envoy.exchange(
      { body: body('x') },
      play({
        status: 200,
        headers: { 'content-type': 'application/json' },
        chunks: [Buffer.from(json)],
      }),
    )
    assert.equal(ex.status, 200)
    assert.equal(ex.immediate, false)
    assert.equal(ex.body.toString(), json)
  })

  it('a stream cut short ends with an upstream_stream_aborted event', async () => {
    const before = await errorsCounted('upstream_stream_aborted')
    const ex = await envoy.exchange(
      { body: body('x', true) },
      play({
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        chunks: [Buffer.from(chunk(null)), Buffer.from(chunk(null))],
      }),
    )
    assert.equal(ex.status, 200)
    assert.match(ex.body.toString(), /"code":"upstream_stream_aborted"/)
    assert.equal((await errorsCounted('upstream_stream_aborted')) - before, 1)
  })
})
