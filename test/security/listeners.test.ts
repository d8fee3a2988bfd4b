/**
 * Authentication on the classification API and /metrics (issue 13): caller routes need a key,
 * admin routes (cache flush, config views) an admin key, probes stay open; state-changing routes
 * take JSON only (no cross-site trigger with text/plain); /metrics can require a bearer token,
 * re-read when its file changes. With auth off (the default) everything stays open on loopback.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { keyDigest } from '../../src/config/api-keys.js'
import { familiesConfig, useRouter } from '../helpers/router.js'

const dir = mkdtempSync(join(tmpdir(), 'sec-listeners-'))
const keysFile = join(dir, 'keys.yaml')
const tokenFile = join(dir, 'metrics-token')
const USER = 'sk-user-abcdef'
const ADMIN = 'sk-admin-abcdef'
writeFileSync(
  keysFile,
  `keys:
  - { id: user, sha256: ${keyDigest(USER)} }
  - { id: ops, sha256: ${keyDigest(ADMIN)}, admin: true }
`,
)
writeFileSync(tokenFile, 'scrape-token-1\n')

const secured = useRouter(() =>
  familiesConfig(
    1,
    `security:
  auth:
    enabled: true
    keys_file: ${JSON.stringify(keysFile)}
    metrics_token_file: ${JSON.stringify(tokenFile)}
    reload_interval_ms: 50
`,
  ),
)
const DSN_PASSWORD = 'hunter2-dsn-secret'
const open = useRouter(() =>
  familiesConfig(
    1,
    `state_store:
  redis: { url: "redis://router:${DSN_PASSWORD}@127.0.0.1:6390/0" }
`,
  ),
)

const intent = JSON.stringify({ text: 'what is the integral of x' })
async function call(
  base: string,
  path: string,
  init: { method?: string; key?: string; body?: string; type?: string } = {},
): Promise<{ status: number; code: string | undefined; text: string }> {
  const res = await fetch(base + path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
      ...(init.body === undefined ? {} : { 'content-type': init.type ?? 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: init.body }),
  })
  const text = await res.text()
  let code: string | undefined
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code?.toLowerCase()
  } catch {
    code = undefined
  }
  return { status: res.status, code, text }
}

describe('classification API with auth on', () => {
  it('probes and the OpenAPI document stay open', async () => {
    for (const path of ['/health', '/ready', '/openapi.json'])
      assert.equal((await call(secured.api, path)).status, 200, path)
  })

  it('caller routes need a valid key', async () => {
    const none = await call(secured.api, '/api/v1/classify/intent', { body: intent })
    assert.equal(none.status, 401)
    assert.equal(none.code, 'authentication_required')
    const bad = await call(secured.api, '/api/v1/classify/intent', { body: intent, key: 'nope' })
    assert.equal(bad.code, 'invalid_api_key')
    const ok = await call(secured.api, '/api/v1/classify/intent', { body: intent, key: USER })
    assert.equal(ok.status, 200, ok.text)
  })

  it('admin routes need an admin key', async () => {
    for (const [path, body] of [
      ['/api/v1/cache/flush', '{}'],
      ['/info/classifier', undefined],
      ['/info/models', undefined],
    ] as const) {
      const asUser = await call(secured.api, path, { key: USER, ...(body ? { body } : {}) })
      assert.equal(asUser.status, 403, path)
      assert.equal(asUser.code, 'permission_denied')
      const asAdmin = await call(secured.api, path, { key: ADMIN, ...(body ? { body } : {}) })
      assert.notEqual(asAdmin.status, 401, path)
      assert.notEqual(asAdmin.status, 403, path)
    }
  })

  it('no key ever appears in an answer or a log line', () => {
    for (const line of secured.router.logs) {
      const text = JSON.stringify(line)
      assert.ok(!text.includes(USER) && !text.includes(ADMIN), text)
    }
  })
})

describe('secrets are never returned', () => {
  it('/info/classifier redacts DSN and URL passwords (config view)', async () => {
    const r = await call(open.api, '/info/classifier')
    assert.equal(r.status, 200, r.text)
    assert.ok(!r.text.includes(DSN_PASSWORD), 'the password is in the answer')
    assert.ok(r.text.includes('redis://router:[redacted]@127.0.0.1:6390/0'), r.text.slice(0, 200))
    for (const line of open.router.logs) assert.ok(!JSON.stringify(line).includes(DSN_PASSWORD))
  })
})

describe('state-changing routes accept JSON only (both with auth off and on)', () => {
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'])
    it(`cache flush with ${type}: 415, nothing flushed`, async () => {
      const r = await call(open.api, '/api/v1/cache/flush', { body: '{}', type })
      assert.equal(r.status, 415)
      assert.equal(r.code, 'unsupported_media_type')
      const s = await call(secured.api, '/api/v1/cache/flush', { body: '{}', type, key: ADMIN })
      assert.equal(s.status, 415)
    })

  it('with application/json it works (auth off: open on loopback)', async () => {
    const r = await call(open.api, '/api/v1/cache/flush', { body: '{}' })
    assert.notEqual(r.status, 415)
    assert.equal((await call(open.api, '/api/v1/classify/intent', { body: intent })).status, 200)
  })
})

describe('/metrics bearer token', () => {
  it('no or a wrong token: 401; the token: 200; a new token file applies', async () => {
    const url = `${secured.router.metricsUrl}/metrics`
    const scrape = (token?: string) =>
      fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {}).then(
        (r) => r.status,
      )
    assert.equal(await scrape(), 401)
    assert.equal(await scrape('wrong'), 401)
    assert.equal(await scrape('scrape-token-1'), 200)
    writeFileSync(tokenFile, 'scrape-token-2\n')
    // Re-read within a guard of 15 s (not a bound: a loaded machine may take seconds).
    const end = Date.now() + 15_000
    while ((await scrape('scrape-token-2')) !== 200) {
      assert.ok(Date.now() < end, 'the new token never applied')
      await new Promise((r) => setTimeout(r, 50))
    }
    assert.equal(await scrape('scrape-token-1'), 401)
  })

  it('open without a token file', async () => {
    assert.equal((await fetch(`${open.router.metricsUrl}/metrics`)).status, 200)
  })
})
