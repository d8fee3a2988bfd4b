/**
 * With `security.auth` on for ext_proc, every request through the router's filter needs a key —
 * paths the router does not route (`/v1/embeddings`, ...) included, which Envoy would otherwise
 * forward unchecked — unless the operator says those paths are authenticated elsewhere
 * (`security.auth.extproc_other_paths: pass`). A passed path still loses the routing and identity
 * headers a client sent; a checked key is the router's and never reaches the backend.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { keyDigest } from '../../src/config/api-keys.js'
import type { Exchange, UpstreamRequest, UpstreamResponse } from '../helpers/envoy.js'
import { metricValue, startExtProc, type ExtProcFixture } from '../helpers/extproc.js'
import { SPOOFED_IDENTITY_HEADERS, SPOOFED_ROUTING_HEADERS } from '../edge/hostile-requests.js'
import { ROUTER_YAML } from '../extproc/fixtures.js'

const KEY = 'sk-embed-0123456789'
const dir = mkdtempSync(join(tmpdir(), 'extproc-other-paths-'))
const keysFile = join(dir, 'keys.yaml')
writeFileSync(keysFile, `keys:\n  - { id: team-a, sha256: ${keyDigest(KEY)}, tenant: research }\n`)

const config = (otherPaths?: 'check' | 'pass'): string => `${ROUTER_YAML}
security:
  auth:
    enabled: true
    keys_file: ${JSON.stringify(keysFile)}
${otherPaths === undefined ? '' : `    extproc_other_paths: ${otherPaths}\n`}`

const EMBEDDINGS = JSON.stringify({ model: 'text-embedding', input: 'integral of x' })

/** One request to `/v1/embeddings` through the filter; records what reached the backend. */
async function embeddings(
  f: ExtProcFixture,
  headers: Record<string, string>,
): Promise<{ ex: Exchange; upstream: UpstreamRequest | undefined }> {
  let upstream: UpstreamRequest | undefined
  const ex = await f.envoy.exchange(
    { path: '/v1/embeddings', body: EMBEDDINGS, headers },
    (req): UpstreamResponse => {
      upstream = req
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        chunks: [Buffer.from('{"object":"list","data":[]}')],
      }
    },
  )
  return { ex, upstream }
}

/** Nothing the client claimed about routing or identity reached the backend. */
function noClaimsForwarded(upstream: UpstreamRequest): void {
  for (const name of [
    ...Object.keys(SPOOFED_ROUTING_HEADERS),
    ...Object.keys(SPOOFED_IDENTITY_HEADERS),
  ])
    assert.equal(upstream.headers[name], undefined, `${name} reached the backend`)
}

describe('ext_proc with auth on: paths the router does not route (default check)', () => {
  let f: ExtProcFixture
  before(async () => {
    f = await startExtProc(config())
  })
  after(() => f.close())

  it('no key: 401 authentication_required, WWW-Authenticate, nothing forwarded', async () => {
    const refusals = async () =>
      metricValue(await f.t.metricsText(), 'llm_request_errors_total', {
        reason: 'authentication_required',
      })
    const before = await refusals()
    const { ex, upstream } = await embeddings(f, {})
    assert.deepEqual(ex.transcript, ['> request_headers', '< immediate_response'])
    assert.equal(ex.status, 401)
    assert.equal(upstream, undefined, 'forwarded without a key')
    assert.equal(ex.headers['www-authenticate'], 'Bearer')
    const body = JSON.parse(ex.body.toString()) as { error: { code: string; type: string } }
    assert.equal(body.error.code, 'authentication_required')
    assert.ok(!ex.body.toString().includes('integral'), 'the request is not echoed')
    assert.equal(ex.details, 'semantic_router_error_authentication_required')
    assert.equal(await refusals(), before + 1)
  })

  it('an unknown key: 401 invalid_api_key, nothing forwarded; GET paths too', async () => {
    const { ex, upstream } = await embeddings(f, { authorization: 'Bearer sk-nobody' })
    assert.equal(ex.status, 401)
    assert.equal(JSON.parse(ex.body.toString()).error.code, 'invalid_api_key')
    assert.equal(upstream, undefined)
    const get = await f.envoy.exchange({ method: 'GET', path: '/v1/files' }, () =>
      assert.fail('forwarded without a key'),
    )
    assert.equal(get.status, 401)
  })

  it('a valid key passes through, without the key and the routing and identity claims', async () => {
    const credentials: Record<string, string>[] = [
      { authorization: `Bearer ${KEY}` },
      { 'x-api-key': KEY },
    ]
    for (const credential of credentials) {
      const { ex, upstream } = await embeddings(f, {
        ...credential,
        ...SPOOFED_ROUTING_HEADERS,
        ...SPOOFED_IDENTITY_HEADERS,
      })
      assert.deepEqual(ex.transcript, ['> request_headers', '< request_headers'])
      assert.equal(ex.status, 200)
      assert.ok(upstream, 'not forwarded')
      assert.equal(upstream.body.toString(), EMBEDDINGS, 'the body is untouched')
      noClaimsForwarded(upstream)
      assert.equal(upstream.headers['authorization'], undefined, "the router's key was forwarded")
      assert.equal(upstream.headers['x-api-key'], undefined, "the router's key was forwarded")
    }
  })
})

describe('ext_proc with auth on and extproc_other_paths: pass', () => {
  let f: ExtProcFixture
  before(async () => {
    f = await startExtProc(config('pass'))
  })
  after(() => f.close())

  it('other paths pass unchecked (routing and identity claims still removed)', async () => {
    const { ex, upstream } = await embeddings(f, {
      authorization: 'Bearer the-backends-own-token',
      ...SPOOFED_ROUTING_HEADERS,
      ...SPOOFED_IDENTITY_HEADERS,
    })
    assert.equal(ex.status, 200)
    assert.ok(upstream, 'not forwarded')
    assert.equal(upstream.body.toString(), EMBEDDINGS)
    noClaimsForwarded(upstream)
    // Not the router's key (it checked none): the backend gets what the client sent.
    assert.equal(upstream.headers['authorization'], 'Bearer the-backends-own-token')
  })

  it('chat completions still need a key', async () => {
    const ex = await f.envoy.exchange(
      { body: JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content: 'hi' }] }) },
      () => assert.fail('forwarded without a key'),
    )
    assert.equal(ex.status, 401)
  })
})
