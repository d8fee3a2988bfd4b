/**
 * The console behind the API listener's authentication (issue 13's `security.auth`): the page's
 * files stay public (they hold no data), the live stream, decision detail and playground need any
 * valid key, the config view an admin key — the same check and the same 401/403 answers as the API
 * routes. In Chromium, a page without a key asks for one, and with it goes live.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { keyDigest } from '../../src/config/api-keys.js'
import { launchChromium } from '../helpers/chromium.js'
import { ConsoleStream, startConsoleRouter, type ConsoleFixture } from '../helpers/console.js'

const USER = 'sk-console-user-5521'
const ADMIN = 'sk-console-admin-5521'
const dir = mkdtempSync(join(tmpdir(), 'console-auth-'))
const keysFile = join(dir, 'keys.yaml')
writeFileSync(
  keysFile,
  `keys:
  - { id: viewer, sha256: ${keyDigest(USER)} }
  - { id: ops, sha256: ${keyDigest(ADMIN)}, admin: true }
`,
)

let f: ConsoleFixture
let browser: Browser | undefined

before(async () => {
  f = await startConsoleRouter((doc) => {
    // Keys on the API listener only, so the test's gateway requests need none.
    doc.setIn(['security', 'auth'], {
      enabled: true,
      keys_file: keysFile,
      listeners: { gateway: false, extproc: false, api: true },
    })
  })
})
after(async () => {
  await browser?.close()
  await f?.close()
})

async function call(path: string, key?: string, body?: unknown): Promise<[number, string]> {
  const aborter = new AbortController()
  const res = await fetch(f.router.apiUrl + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: aborter.signal,
  })
  // The stream never ends: read only the error bodies.
  const code = res.ok
    ? ''
    : ((JSON.parse(await res.text()) as { error?: { code?: string } }).error?.code ?? '')
  aborter.abort()
  return [res.status, code.toLowerCase()]
}

const playground = { text: 'What is an integral?' }

describe('console with API keys on', () => {
  it('serves the page without a key, and no data', async () => {
    assert.equal((await call('/ui/'))[0], 200)
    assert.equal((await call('/ui/js/main.js'))[0], 200)
    for (const path of ['/ui/api/stream', '/ui/api/decision?id=x', '/ui/api/config'])
      assert.deepEqual(await call(path), [401, 'authentication_required'], path)
    assert.deepEqual(await call('/ui/api/playground', undefined, playground), [
      401,
      'authentication_required',
    ])
    assert.deepEqual(await call('/ui/api/stream', 'sk-wrong'), [401, 'invalid_api_key'])
  })

  it('any valid key sees the live views and the playground; the config view needs admin', async () => {
    const stream = await ConsoleStream.open(f.router.apiUrl, { authorization: `Bearer ${USER}` })
    try {
      const res = await f.ask('Why did World War I start?')
      const id = res.headers.get('x-request-id')!
      assert.equal((await stream.decision(id)).category, 'history')
      assert.equal((await call(`/ui/api/decision?id=${id}`, USER))[0], 200)
    } finally {
      stream.close()
    }
    assert.equal((await call('/ui/api/playground', USER, playground))[0], 200)
    assert.deepEqual(await call('/ui/api/config', USER), [403, 'permission_denied'])
    assert.equal((await call('/ui/api/config', ADMIN))[0], 200)
  })

  it('in Chromium, asks for the key and goes live with it', async () => {
    browser = await launchChromium({ offline: true })
    const page = await browser.newPage()
    const problems: string[] = []
    page.on('pageerror', (e) => problems.push(e.message))
    await page.goto(f.ui)
    await page.waitForSelector('#key-dialog[open]')
    // The status line is rendered after the connection event that opens the dialog: wait for it.
    await page.waitForFunction(
      `/API key needed/.test(document.getElementById('conn')?.textContent ?? '')`,
      undefined,
      { timeout: 5_000 },
    )
    await page.fill('#key-input', USER)
    await page.click('#key-dialog button[value="save"]')
    await page.waitForSelector('#conn[data-state="live"]')
    const res = await f.ask('What is quantum entanglement?')
    const id = res.headers.get('x-request-id')!
    await page.evaluate(`location.hash = '#/decisions'`)
    await page.waitForSelector(`tr[data-id="${id}"]`, { timeout: 5_000 })
    assert.deepEqual(problems, [])
  })
})
