/**
 * ext_proc mode: the router still picks the endpoint (the destination header) from the same health
 * and load state as the gateway, fed by what Envoy's response phase reports — an endpoint whose
 * answers come back 503 through Envoy is ejected and the next requests name another one.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { UpstreamRequest } from '../helpers/envoy.js'
import { completionResponse, startExtProc, type ExtProcFixture } from '../helpers/extproc.js'
import { chat } from './fixtures.js'

const YAML = `
vllm_endpoints:
  - { name: a, address: 127.0.0.1, port: 9001 }
  - { name: b, address: 127.0.0.2, port: 9002 }
model_config:
  m: { preferred_endpoints: [a, b] }
default_model: m
resilience: { outlier_detection: { base_ejection_ms: 60000 } }
`

const body = JSON.parse(chat('hello')) as Record<string, unknown>
const request = () => JSON.stringify({ ...body, model: 'm' })

/**
 * An upstream behind Envoy that records each destination header and answers `failure` where
 * `fails(destination)` says so, a completion elsewhere.
 */
function upstreamWhere(
  seen: string[],
  fails: (destination: string) => boolean,
  failure: { status: number; headers?: Record<string, string> },
) {
  return (req: UpstreamRequest) => {
    const destination = req.routeHeaders['x-vsr-destination-endpoint'] ?? ''
    seen.push(destination)
    return fails(destination)
      ? {
          status: failure.status,
          headers: { 'content-type': 'application/json', ...failure.headers },
          chunks: [Buffer.from('{}')],
        }
      : completionResponse('m')
  }
}

describe('ext_proc: endpoint health from the response phase', () => {
  let f: ExtProcFixture
  before(async () => {
    f = await startExtProc(YAML)
  })
  after(() => f.close())

  it('ejects an endpoint whose answers come back 503, then names only the other', async () => {
    const seen: string[] = []
    const upstream = upstreamWhere(seen, (d) => d === '127.0.0.1:9001', { status: 503 })
    for (let i = 0; i < 30; i++) await f.envoy.exchange({ body: request() }, upstream)
    const toA = seen.filter((d) => d === '127.0.0.1:9001').length
    assert.equal(toA, 3, `a got ${toA} requests: three 503s eject it for the rest of the test`)
    assert.ok(seen.slice(-10).every((d) => d === '127.0.0.2:9002'))
  })
})

describe('ext_proc: a standby endpoint (priority 1) from the same state', () => {
  let f: ExtProcFixture
  before(async () => {
    f = await startExtProc(YAML.replace('port: 9002 }', 'port: 9002, weight: 5, priority: 1 }'))
  })
  after(() => f.close())

  it('names the standby only once the primary is ejected', async () => {
    const seen: string[] = []
    let primaryDown = false
    const upstream = upstreamWhere(seen, (d) => primaryDown && d === '127.0.0.1:9001', {
      status: 503,
    })
    for (let i = 0; i < 20; i++) await f.envoy.exchange({ body: request() }, upstream)
    assert.ok(
      seen.every((d): boolean => d === '127.0.0.1:9001'),
      'the standby was named while the primary was healthy',
    )
    primaryDown = true
    seen.length = 0
    for (let i = 0; i < 20; i++) await f.envoy.exchange({ body: request() }, upstream)
    assert.deepEqual(seen.slice(0, 3), Array(3).fill('127.0.0.1:9001'))
    assert.ok(seen.slice(3).every((d) => d === '127.0.0.2:9002'))
  })
})

describe('ext_proc: Retry-After cool-down from the response phase', () => {
  let f: ExtProcFixture
  before(async () => {
    f = await startExtProc(YAML)
  })
  after(() => f.close())

  it('a 429 with Retry-After through Envoy: the endpoint is not named again; all cooling → 429', async () => {
    const seen: string[] = []
    let bothLimited = false
    const upstream = upstreamWhere(seen, (d) => d === '127.0.0.1:9001' || bothLimited, {
      status: 429,
      headers: { 'retry-after': '45' },
    })
    for (let i = 0; i < 20; i++) await f.envoy.exchange({ body: request() }, upstream)
    assert.equal(seen.filter((d) => d === '127.0.0.1:9001').length, 1)
    const a = f.t.runtime.services.state.endpointStats.endpoint('a')
    assert.equal(a.health(performance.now()), 'cooling_down')
    bothLimited = true
    await f.envoy.exchange({ body: request() }, upstream) // b answers 429 as well
    const refused = await f.envoy.exchange({ body: request() }, upstream)
    assert.equal(refused.immediate, true)
    assert.equal(refused.status, 429)
    assert.ok(Number(refused.headers['retry-after']) >= 44, JSON.stringify(refused.headers))
    assert.equal(seen.length, 21, 'a request reached an endpoint that is cooling down')
  })
})
