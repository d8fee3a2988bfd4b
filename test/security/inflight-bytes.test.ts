/**
 * Issue 13: the request bytes all requests in flight hold together are bounded
 * (`server.max_inflight_body_bytes`), on both transports and across them. While one large body is
 * being received, another that would pass the budget is refused with 503 `server_overloaded`,
 * `Retry-After` and OpenAI's error shape, logged and counted; once the first finishes, the same
 * request is admitted. A request alone is admitted whatever the budget.
 */
import assert from 'node:assert/strict'
import { request as httpRequest, type ClientRequest } from 'node:http'
import { describe, it } from 'node:test'
import { metricValue } from '../helpers/extproc.js'
import { familiesConfig, FAMILY_MODELS, useBothTransports } from '../helpers/router.js'
import { send, TRANSPORTS } from './send.js'

const BUDGET = 100_000
const both = useBothTransports(FAMILY_MODELS, (port) =>
  familiesConfig(port, `\nserver:\n  max_inflight_body_bytes: ${BUDGET}\n`),
)

/** A chat body of exactly `bytes` bytes. */
function chatBody(bytes: number): Buffer {
  const shell = JSON.stringify({ model: 'plain-model', messages: [{ role: 'user', content: '' }] })
  const content = 'word '.repeat(bytes).slice(0, bytes - Buffer.byteLength(shell))
  const body = Buffer.from(
    JSON.stringify({ model: 'plain-model', messages: [{ role: 'user', content }] }),
  )
  assert.equal(body.length, bytes)
  return body
}

const held = async () =>
  metricValue(await both.router.metricsText(), 'llm_router_inflight_request_bytes', {})

/** Poll until the gauge shows `bytes` held (the router has read the pending request's size). */
async function waitHeld(bytes: number): Promise<void> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const now = await held()
    if (now === bytes) return
    if (Date.now() > deadline) assert.fail(`still ${now} bytes held, waiting for ${bytes}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A gateway request whose headers (declaring `body.length`) and first half are sent; not the rest. */
function pendingGatewayRequest(body: Buffer): {
  req: ClientRequest
  finish: () => Promise<number>
} {
  const url = new URL(`${both.router.gatewayUrl}/v1/chat/completions`)
  let status: Promise<number> | undefined
  const req = httpRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
  })
  const answered = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
  })
  req.write(body.subarray(0, body.length / 2))
  return {
    req,
    finish: () => {
      status ??= (req.end(body.subarray(body.length / 2)), answered)
      return status
    },
  }
}

/** Bytes of a STREAMED ext_proc body held back (ext_proc counts what it has received). */
const TAIL = 1_000

/** An ext_proc stream with the request headers and all but TAIL bytes of a STREAMED body sent. */
async function pendingExtprocRequest(body: Buffer) {
  const s = both.envoy.open()
  s.stream.write({
    request_headers: {
      headers: {
        headers: [
          { key: ':method', raw_value: Buffer.from('POST') },
          { key: ':path', raw_value: Buffer.from('/v1/chat/completions') },
          { key: 'content-type', raw_value: Buffer.from('application/json') },
        ],
      },
    },
  })
  await s.next()
  s.stream.write({ request_body: { body: body.subarray(0, body.length - TAIL) } })
  await s.next()
  return {
    finish: async () => {
      s.stream.write({
        request_body: { body: body.subarray(body.length - TAIL), end_of_stream: true },
      })
      const reply = await s.next()
      s.stream.end()
      return reply
    },
  }
}

async function holdVia(holder: (typeof TRANSPORTS)[number], body: Buffer) {
  if (holder === 'gateway') {
    const pending = pendingGatewayRequest(body)
    await waitHeld(body.length)
    return async () => assert.equal(await pending.finish(), 200)
  }
  const pending = await pendingExtprocRequest(body)
  await waitHeld(body.length - TAIL)
  return async () => {
    const reply = await pending.finish()
    assert.equal(reply.immediate_response, undefined)
    assert.ok(reply.request_body)
  }
}

for (const holder of TRANSPORTS)
  for (const transport of TRANSPORTS)
    describe(`in-flight body budget: ${holder} holds, ${transport} asks`, () => {
      it('refuses a body that would pass the budget with 503 server_overloaded, then admits it', async () => {
        assert.equal(await held(), 0)
        const release = await holdVia(holder, chatBody(80_000))
        const errorsBefore = metricValue(
          await both.router.metricsText(),
          'llm_request_errors_total',
          { reason: 'server_overloaded' },
        )
        const refused = await send(both, transport, { body: chatBody(60_000).toString() })
        assert.equal(refused.status, 503)
        assert.equal(refused.headers['retry-after'], '1')
        const error = (
          JSON.parse(refused.body) as { error: { code: string; type: string; message: string } }
        ).error
        assert.equal(error.code, 'server_overloaded')
        assert.equal(error.type, 'server_error')
        assert.match(error.message, /max_inflight_body_bytes/)
        assert.equal(
          metricValue(await both.router.metricsText(), 'llm_request_errors_total', {
            reason: 'server_overloaded',
          }) - errorsBefore,
          1,
        )
        assert.ok(
          both.router.logs.some((l) => JSON.stringify(l).includes('server_overloaded')),
          'no log line',
        )
        // A small request still fits beside the held one.
        assert.equal(
          (await send(both, transport, { body: chatBody(2_000).toString() })).status,
          200,
        )
        await release()
        await waitHeld(0)
        assert.equal(
          (await send(both, transport, { body: chatBody(60_000).toString() })).status,
          200,
        )
        assert.equal(await held(), 0)
      })
    })

describe('in-flight body budget: a request alone', () => {
  for (const transport of TRANSPORTS)
    it(`is admitted even when larger than the budget (${transport})`, async () => {
      assert.equal(await held(), 0)
      assert.equal(
        (await send(both, transport, { body: chatBody(150_000).toString() })).status,
        200,
      )
      assert.equal(await held(), 0)
    })
})
