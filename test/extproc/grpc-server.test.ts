/**
 * The ext_proc listener's gRPC surface as independent clients see it: the health service (Check,
 * Watch, NOT_FOUND, over TLS), and streams refused for what they carry (oversized, undecodable,
 * unknown method) without leaking the stream's lease.
 */
import assert from 'node:assert/strict'
import { connect } from 'node:http2'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, it } from 'node:test'
import {
  credentials,
  makeGenericClientConstructor,
  status,
  type ChannelCredentials,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js'
import { frameMessage } from '../../src/extproc/grpc/framing.js'
import { loadServices } from '../../src/extproc/proto.js'
import { startExtProc, type ExtProcFixture } from '../helpers/extproc.js'
import { ROUTER_YAML } from './fixtures.js'

interface HealthClient {
  Check(
    req: { service: string },
    cb: (err: ServiceError | null, res?: { status: number }) => void,
  ): void
  Watch(req: { service: string }): ClientReadableStream<{ status: number | string }>
  close(): void
}

function healthClient(port: number, creds?: ChannelCredentials): HealthClient {
  const Health = makeGenericClientConstructor(loadServices().health, 'Health')
  return new Health(
    `127.0.0.1:${port}`,
    creds ?? credentials.createInsecure(),
    creds ? { 'grpc.ssl_target_name_override': 'localhost' } : {},
  ) as unknown as HealthClient
}

const check = (client: HealthClient, service: string) =>
  new Promise<number>((resolve, reject) =>
    client.Check({ service }, (err, res) => (err ? reject(err) : resolve(res!.status))),
  )

/** Collects Watch updates; resolves `ended` with the final status code. */
function watch(client: HealthClient, service: string) {
  const call = client.Watch({ service })
  const updates: number[] = []
  const waiters: (() => void)[] = []
  call.on('data', (m: { status: number | string }) => {
    updates.push(
      typeof m.status === 'number'
        ? m.status
        : ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'].indexOf(m.status),
    )
    waiters.splice(0).forEach((w) => w())
  })
  call.on('error', () => undefined)
  const ended = new Promise<number>((resolve) => call.on('status', (s) => resolve(s.code)))
  const count = async (n: number) => {
    while (updates.length < n) await new Promise<void>((r) => waiters.push(r))
  }
  return { updates, ended, count }
}

describe('ext_proc gRPC health service', () => {
  let f: ExtProcFixture
  let client: HealthClient
  before(async () => {
    f = await startExtProc(ROUTER_YAML)
    client = healthClient(f.server.port)
  })
  after(async () => {
    client.close()
    await f.close()
  })

  it('answers Check, and NOT_FOUND for a service it does not know', async () => {
    assert.equal(await check(client, ''), 1)
    await assert.rejects(check(client, 'no.such.Service'), (err: ServiceError) => {
      assert.equal(err.code, 5)
      assert.equal(err.details, 'unknown service')
      return true
    })
  })

  it('streams Watch updates, SERVICE_UNKNOWN for unknown services, and ends them on close', async () => {
    const readiness = watch(client, 'readiness')
    const unknown = watch(client, 'later.Service')
    await readiness.count(1)
    await unknown.count(1)
    assert.deepEqual(readiness.updates, [1])
    assert.deepEqual(unknown.updates, [3])
    f.server.health.setReady(false)
    await readiness.count(2)
    f.server.health.setReady(true)
    await readiness.count(3)
    assert.deepEqual(readiness.updates, [1, 2, 1])
    f.server.health.set('later.Service', 1)
    await unknown.count(2)
    assert.deepEqual(unknown.updates, [3, 1])
    const closing = f.server.close(5_000)
    assert.equal(await readiness.ended, 0)
    assert.equal(await unknown.ended, 0)
    await closing
    assert.equal(f.t.events('extproc_shutdown_forced').length, 0)
  })
})

describe('ext_proc gRPC over TLS', () => {
  it('answers a grpc-js health check over TLS (ALPN h2) with the served certificate', async () => {
    const f = await startExtProc(ROUTER_YAML, { server: { tls: { enabled: true, certPath: '' } } })
    const secure = healthClient(f.server.port, credentials.createSsl(f.server.certificate))
    const plain = healthClient(f.server.port)
    try {
      assert.equal(await check(secure, 'readiness'), 1)
      await assert.rejects(
        check(plain, 'readiness'),
        (err: ServiceError) => err.code === status.UNAVAILABLE,
      )
    } finally {
      secure.close()
      plain.close()
      await f.close()
    }
  })
})

describe('ext_proc streams refused for what they carry', () => {
  let f: ExtProcFixture
  before(async () => {
    f = await startExtProc(ROUTER_YAML, { server: { maxMessageBytes: 1024 } })
  })
  after(() => f.close())

  async function rawProcess(
    body: Buffer,
    path = '/envoy.service.ext_proc.v3.ExternalProcessor/Process',
  ) {
    const session = connect(`http://127.0.0.1:${f.server.port}`)
    const req = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
    })
    let headers: Record<string, unknown> = {}
    let trailers: Record<string, unknown> = {}
    req.on('response', (h) => {
      headers = h
    })
    req.on('trailers', (t) => {
      trailers = t
    })
    req.resume()
    req.end(body)
    await once(req, 'close')
    session.close()
    return {
      status: trailers['grpc-status'] ?? headers['grpc-status'],
      message: trailers['grpc-message'] ?? headers['grpc-message'],
    }
  }

  it('a message over the limit: RESOURCE_EXHAUSTED', async () => {
    // The limit is max_body_bytes plus room for the rest of the message (64 KiB).
    const r = await rawProcess(frameMessage(Buffer.alloc(1024 + 64 * 1024 + 1)))
    assert.equal(r.status, '8')
  })

  it('bytes that are not a ProcessingRequest: INTERNAL', async () => {
    const r = await rawProcess(frameMessage(Buffer.from([0x0a, 0xff, 0xff, 0xff])))
    assert.equal(r.status, '13')
    assert.match(String(r.message), /cannot decode request/)
  })

  it('an unknown method: UNIMPLEMENTED', async () => {
    const r = await rawProcess(
      frameMessage(Buffer.alloc(0)),
      '/envoy.service.ext_proc.v3.ExternalProcessor/Nope',
    )
    assert.equal(r.status, '12')
  })

  it('releases every refused stream', async () => {
    for (const until = Date.now() + 15_000; f.server.openStreams > 0 && Date.now() < until;)
      await sleep(10)
    assert.equal(f.server.openStreams, 0)
  })
})
