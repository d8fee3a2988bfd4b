/**
 * `extproc.envoy_retry`: the router asks Envoy for retries through x-envoy-* request headers, for
 * routes that cannot carry a retry policy. Driven by the Envoy stand-in with the ext_proc filter's
 * `mutation_rules.allow_envoy` on (the only way Envoy applies them) and off; a client's own
 * x-envoy-* retry headers never reach Envoy's router.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { parseConfigText } from '../../src/config/load.js'
import { isRouterError } from '../../src/errors.js'
import { EnvoyClient, type UpstreamRequest } from '../helpers/envoy.js'
import { completionResponse, startExtProc, type ExtProcFixture } from '../helpers/extproc.js'
import { chat } from './fixtures.js'

const BASE = `
vllm_endpoints:
  - { name: a, address: 127.0.0.1, port: 9001 }
model_config:
  m: { preferred_endpoints: [a] }
default_model: m
`
const ON = `${BASE}extproc:
  envoy_retry: { retry_on: "5xx,reset,connect-failure,retriable-status-codes", num_retries: 2, retriable_status_codes: [429, 503], per_try_timeout_ms: 15000 }
`
const SPOOFED = {
  'x-envoy-retry-on': '4xx,5xx',
  'x-envoy-max-retries': '50',
  'x-envoy-upstream-rq-per-try-timeout-ms': '999999',
  'x-envoy-retriable-header-names': 'x-anything',
}
const body = JSON.stringify({ ...(JSON.parse(chat('hello')) as object), model: 'm' })

async function routeHeaders(f: ExtProcFixture, allowEnvoy: boolean) {
  const envoy = new EnvoyClient(`127.0.0.1:${f.server.port}`, { allowEnvoy })
  try {
    let seen: Record<string, string> = {}
    await envoy.exchange({ body, headers: { ...SPOOFED } }, (req: UpstreamRequest) => {
      seen = req.routeHeaders
      return completionResponse('m')
    })
    return seen
  } finally {
    envoy.close()
  }
}

describe('ext_proc: retries asked of Envoy through x-envoy-* headers', () => {
  let on: ExtProcFixture
  let off: ExtProcFixture
  before(async () => {
    on = await startExtProc(ON)
    off = await startExtProc(BASE)
  })
  after(async () => {
    await on.close()
    await off.close()
  })

  it('on, with allow_envoy: the route sees our retry policy, not the client’s', async () => {
    const h = await routeHeaders(on, true)
    assert.equal(h['x-envoy-retry-on'], '5xx,reset,connect-failure,retriable-status-codes')
    assert.equal(h['x-envoy-max-retries'], '2')
    assert.equal(h['x-envoy-retriable-status-codes'], '429,503')
    assert.equal(h['x-envoy-upstream-rq-per-try-timeout-ms'], '15000')
    assert.equal(h['x-envoy-retriable-header-names'], undefined)
    assert.equal(h['x-vsr-destination-endpoint'], '127.0.0.1:9001')
  })

  it('on, without allow_envoy: Envoy ignores the mutation (documented requirement)', async () => {
    const h = await routeHeaders(on, false)
    assert.equal(h['x-envoy-max-retries'], '50') // the client's, untouched: Envoy refused ours
  })

  it('off: no retry header is set, and the router does not touch x-envoy-*', async () => {
    const h = await routeHeaders(off, true)
    assert.equal(h['x-envoy-max-retries'], '50')
    assert.equal(h['x-envoy-retriable-status-codes'], undefined)
  })

  it('unknown retry_on conditions are refused at load with their line', () => {
    try {
      parseConfigText(`${BASE}extproc:\n  envoy_retry:\n    retry_on: "5xx,sometimes"\n`)
      assert.fail('expected the config to be rejected')
    } catch (err) {
      assert.ok(isRouterError(err))
      const issues = err.details as { path: string; line?: number }[]
      assert.deepEqual(
        issues.map((i) => [i.path, i.line]),
        [['extproc.envoy_retry.retry_on', 9]],
      )
    }
  })
})
