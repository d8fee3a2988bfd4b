/**
 * The gRPC server core against two independent clients: grpc-js (a full gRPC implementation)
 * and raw node:http2 requests for what a well-behaved client never sends.
 */
import assert from 'node:assert/strict'
import { connect, type ClientHttp2Session } from 'node:http2'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, it } from 'node:test'
import { Client, credentials, type ServiceError } from '@grpc/grpc-js'
import type { ServerCall } from './call.js'
import { frameMessage } from './framing.js'
import { bidiStreamingMethod, serverStreamingMethod, unaryMethod } from './methods.js'
import { GrpcServer } from './server.js'
import { GrpcError, GrpcStatus } from './status.js'

const bytes = {
  decode: (b: Buffer): Buffer => Buffer.from(b),
  encode: (b: Buffer): Buffer => b,
}
const identity = (b: Buffer) => b
type Call = ServerCall<Buffer, Buffer>

/** What the test service saw, per bidi call. */
const seen = { cancelled: 0, halfClosed: 0, open: new Set<Call>() }
const writeResults: boolean[] = []

const METHODS = [
  // Echoes each message; 'fail' ends the call with INVALID_ARGUMENT, 'hold' is not answered.
  bidiStreamingMethod('/test.Echo/Bidi', bytes, (call: Call) => {
    seen.open.add(call)
    call.onMessage = (m) => {
      const text = m.toString()
      if (text === 'fail') call.fail(GrpcStatus.INVALID_ARGUMENT, 'bad ✓ 100%')
      else if (text !== 'hold') call.write(m)
    }
    call.onHalfClose = () => {
      seen.halfClosed++
      seen.open.delete(call)
      call.end()
    }
    call.onCancel = () => {
      seen.cancelled++
      seen.open.delete(call)
    }
  }),
  unaryMethod('/test.Echo/Unary', bytes, (m: Buffer) => {
    if (m.toString() === 'missing') throw new GrpcError(GrpcStatus.NOT_FOUND, 'no such thing')
    return Buffer.concat([Buffer.from('echo:'), m])
  }),
  // Sends the request back `count` (first byte) times, 64 KiB each, noting backpressure.
  serverStreamingMethod('/test.Echo/Flood', bytes, (m: Buffer, call: Call) => {
    for (let i = 0; i < m[0]!; i++) writeResults.push(call.write(Buffer.alloc(64 * 1024, i)))
    call.end()
  }),
]

async function startServer(maxMessageBytes = 1024 * 1024): Promise<GrpcServer> {
  return GrpcServer.listen(
    { methods: METHODS as never, maxMessageBytes, maxConcurrentStreams: 500 },
    '127.0.0.1',
    0,
  )
}

interface RawResponse {
  headers: Record<string, unknown>
  trailers: Record<string, unknown>
  data: Buffer
}

/** One request on a raw HTTP/2 session: headers, then `body`, then END_STREAM. */
async function raw(
  session: ClientHttp2Session,
  headers: Record<string, string>,
  body: Buffer,
): Promise<RawResponse> {
  const req = session.request({
    ':method': 'POST',
    'content-type': 'application/grpc',
    te: 'trailers',
    ...headers,
  })
  const response: RawResponse = { headers: {}, trailers: {}, data: Buffer.alloc(0) }
  req.on('response', (h) => {
    response.headers = h
  })
  req.on('trailers', (t) => {
    response.trailers = t
  })
  req.on('data', (d: Buffer) => (response.data = Buffer.concat([response.data, d])))
  req.on('error', () => undefined)
  if (body.length > 0) req.end(body)
  else req.end()
  await once(req, 'close')
  return response
}

function grpcStatusOf(r: RawResponse): string | undefined {
  return (r.trailers['grpc-status'] ?? r.headers['grpc-status']) as string | undefined
}

describe('gRPC server core', () => {
  let server: GrpcServer
  let client: Client
  let session: ClientHttp2Session
  before(async () => {
    server = await startServer(256 * 1024)
    client = new Client(`127.0.0.1:${server.port}`, credentials.createInsecure())
    session = connect(`http://127.0.0.1:${server.port}`)
  })
  after(async () => {
    client.close()
    session.close()
    await server.shutdown(100)
  })

  const unary = (arg: string, path = '/test.Echo/Unary') =>
    new Promise<string>((resolve, reject) =>
      client.makeUnaryRequest(path, identity, identity, Buffer.from(arg), (err, res) =>
        err ? reject(err) : resolve(res!.toString()),
      ),
    )

  it('serves unary calls, and their errors as statuses', async () => {
    assert.equal(await unary('hi'), 'echo:hi')
    await assert.rejects(unary('missing'), (err: ServiceError) => {
      assert.equal(err.code, GrpcStatus.NOT_FOUND)
      assert.equal(err.details, 'no such thing')
      return true
    })
  })

  it('answers an unknown method with UNIMPLEMENTED (trailers-only)', async () => {
    await assert.rejects(unary('x', '/test.Echo/Nope'), (err: ServiceError) => {
      assert.equal(err.code, GrpcStatus.UNIMPLEMENTED)
      assert.match(err.details, /unknown method \/test\.Echo\/Nope/)
      return true
    })
    const r = await raw(session, { ':path': '/nope.Service/X' }, frameMessage(Buffer.from('x')))
    assert.equal(r.headers[':status'], 200)
    assert.equal(r.headers['grpc-status'], '12')
    assert.equal(r.data.length, 0)
  })

  it('keeps many concurrent streams on one connection, each in order', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const call = client.makeBidiStreamRequest('/test.Echo/Bidi', identity, identity)
        const replies: string[] = []
        call.on('data', (m: Buffer) => replies.push(m.toString()))
        const status = new Promise<number>((resolve) => call.on('status', (s) => resolve(s.code)))
        for (let j = 0; j < 5; j++) call.write(Buffer.from(`${i}.${j}`))
        call.end()
        assert.equal(await status, GrpcStatus.OK)
        return replies
      }),
    )
    results.forEach((replies, i) =>
      assert.deepEqual(
        replies,
        [0, 1, 2, 3, 4].map((j) => `${i}.${j}`),
      ),
    )
  })

  it('percent-encodes the failure message of a stream the handler fails', async () => {
    const call = client.makeBidiStreamRequest('/test.Echo/Bidi', identity, identity)
    call.on('error', () => undefined)
    const status = new Promise<{ code: number; details: string }>((resolve) =>
      call.on('status', resolve),
    )
    call.write(Buffer.from('ok'))
    call.write(Buffer.from('fail'))
    const s = await status
    assert.equal(s.code, GrpcStatus.INVALID_ARGUMENT)
    assert.equal(s.details, 'bad ✓ 100%')
    const r = await raw(session, { ':path': '/test.Echo/Bidi' }, frameMessage(Buffer.from('fail')))
    assert.equal(r.headers['grpc-message'], 'bad %E2%9C%93 100%25')
  })

  it('tells a client cancel from a half-close', async () => {
    const before = { ...seen }
    const call = client.makeBidiStreamRequest('/test.Echo/Bidi', identity, identity)
    call.on('error', () => undefined)
    call.write(Buffer.from('one'))
    await once(call, 'data')
    call.cancel()
    for (
      const until = Date.now() + 15_000;
      seen.cancelled === before.cancelled && Date.now() < until;
    )
      await sleep(10)
    assert.equal(seen.cancelled, before.cancelled + 1)
    assert.equal(seen.halfClosed, before.halfClosed)
  })

  it('ends a call at its grpc-timeout with DEADLINE_EXCEEDED', async () => {
    // A raw client, so the deadline is the server's alone (grpc-js would also cancel locally).
    const cancelled = seen.cancelled
    const req = session.request({
      ':method': 'POST',
      ':path': '/test.Echo/Bidi',
      'content-type': 'application/grpc',
      'grpc-timeout': '100m',
    })
    req.resume()
    req.write(frameMessage(Buffer.from('hold')))
    // Nothing was sent before the deadline: a trailers-only response.
    const [headers] = (await once(req, 'response')) as [Record<string, unknown>]
    assert.equal(headers['grpc-status'], String(GrpcStatus.DEADLINE_EXCEEDED))
    assert.equal(seen.cancelled, cancelled + 1)
    req.close()
  })

  it('refuses requests that are not gRPC with HTTP 405 / 415', async () => {
    const get = await raw(
      session,
      { ':method': 'GET', ':path': '/test.Echo/Unary' },
      Buffer.alloc(0),
    )
    assert.equal(get.headers[':status'], 405)
    const json = await raw(
      session,
      { ':path': '/test.Echo/Unary', 'content-type': 'application/json' },
      Buffer.from('{}'),
    )
    assert.equal(json.headers[':status'], 415)
    assert.equal(json.headers['grpc-status'], String(GrpcStatus.UNKNOWN))
    const plus = await raw(
      session,
      { ':path': '/test.Echo/Unary', 'content-type': 'application/grpc+proto' },
      frameMessage(Buffer.from('x')),
    )
    assert.equal(plus.headers[':status'], 200)
    assert.equal(grpcStatusOf(plus), '0')
  })

  it('refuses compressed messages and grpc-encoding with UNIMPLEMENTED', async () => {
    const compressed = frameMessage(Buffer.from('x'))
    compressed[0] = 1
    const flagged = await raw(session, { ':path': '/test.Echo/Unary' }, compressed)
    assert.equal(grpcStatusOf(flagged), String(GrpcStatus.UNIMPLEMENTED))
    assert.equal(flagged.headers['grpc-accept-encoding'], 'identity')
    const gzip = await raw(
      session,
      { ':path': '/test.Echo/Unary', 'grpc-encoding': 'gzip' },
      compressed,
    )
    assert.equal(grpcStatusOf(gzip), String(GrpcStatus.UNIMPLEMENTED))
    assert.match(String(gzip.headers['grpc-message']), /gzip/)
  })

  it('refuses an oversized message with RESOURCE_EXHAUSTED', async () => {
    const big = frameMessage(Buffer.alloc(256 * 1024 + 1))
    const r = await raw(session, { ':path': '/test.Echo/Bidi' }, big)
    assert.equal(grpcStatusOf(r), String(GrpcStatus.RESOURCE_EXHAUSTED))
    const fits = await raw(
      session,
      { ':path': '/test.Echo/Bidi' },
      frameMessage(Buffer.alloc(256 * 1024)),
    )
    assert.equal(grpcStatusOf(fits), '0')
    assert.equal(fits.data.length, 5 + 256 * 1024)
  })

  it('answers INTERNAL when the stream ends in the middle of a message', async () => {
    const r = await raw(
      session,
      { ':path': '/test.Echo/Bidi' },
      frameMessage(Buffer.from('abc')).subarray(0, 6),
    )
    assert.equal(grpcStatusOf(r), String(GrpcStatus.INTERNAL))
  })

  it('advertises max concurrent streams in its SETTINGS', async () => {
    const s = connect(`http://127.0.0.1:${server.port}`)
    const [settings] = (await once(s, 'remoteSettings')) as [{ maxConcurrentStreams: number }]
    assert.equal(settings.maxConcurrentStreams, 500)
    s.close()
  })

  it('reports backpressure to a writer whose client does not read', async () => {
    writeResults.length = 0
    const s = connect(`http://127.0.0.1:${server.port}`)
    const req = s.request({
      ':method': 'POST',
      ':path': '/test.Echo/Flood',
      'content-type': 'application/grpc',
    })
    req.pause()
    req.end(frameMessage(Buffer.from([64])))
    for (const until = Date.now() + 15_000; writeResults.length < 64 && Date.now() < until;)
      await sleep(10)
    assert.equal(writeResults.length, 64)
    assert.ok(writeResults.includes(false), 'write() reported a full buffer')
    let received = 0
    req.on('data', (d: Buffer) => (received += d.length))
    req.resume()
    await once(req, 'close')
    assert.equal(received, 64 * (5 + 64 * 1024))
    s.close()
  })
})

describe('gRPC server shutdown', () => {
  it('lets an open stream finish within the grace period, refusing new connections', async () => {
    const server = await startServer()
    const port = server.port
    const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure())
    const call = client.makeBidiStreamRequest('/test.Echo/Bidi', identity, identity)
    const replies: string[] = []
    call.on('data', (m: Buffer) => replies.push(m.toString()))
    const status = new Promise<number>((resolve) => call.on('status', (s) => resolve(s.code)))
    call.on('error', () => undefined) // the status above says how the call ended
    const firstReply = once(call, 'data')
    call.write(Buffer.from('before'))
    // Shut down only once the call is established (its echo is back), however slow the machine.
    await firstReply
    const closing = server.shutdown(5_000)
    await sleep(20)
    call.write(Buffer.from('during'))
    call.end()
    assert.equal(await status, GrpcStatus.OK)
    assert.deepEqual(replies, ['before', 'during'])
    assert.deepEqual(await closing, { forced: false })
    const late = connect(`http://127.0.0.1:${port}`)
    const refused = await new Promise<string>((resolve) =>
      late.on('error', (e) => resolve(String((e as NodeJS.ErrnoException).code))),
    )
    assert.equal(refused, 'ECONNREFUSED')
    client.close()
  })

  it('cancels the calls still open when the grace period ends', async () => {
    const server = await startServer()
    const client = new Client(`127.0.0.1:${server.port}`, credentials.createInsecure())
    const cancelled = seen.cancelled
    const call = client.makeBidiStreamRequest('/test.Echo/Bidi', identity, identity)
    call.on('error', () => undefined)
    const status = new Promise<number>((resolve) => call.on('status', (s) => resolve(s.code)))
    const opened = seen.open.size
    call.write(Buffer.from('hold'))
    // Shut down only once the server holds the call open, however slow the machine.
    for (const until = Date.now() + 30_000; seen.open.size === opened && Date.now() < until;)
      await sleep(5)
    assert.equal(seen.open.size, opened + 1)
    let forcedAt = -1
    const result = await server.shutdown(50, () => (forcedAt = seen.cancelled))
    assert.deepEqual(result, { forced: true })
    assert.equal(forcedAt, cancelled, 'still open when the grace ended')
    assert.notEqual(await status, GrpcStatus.OK)
    assert.equal(seen.cancelled, cancelled + 1)
    client.close()
  })
})
