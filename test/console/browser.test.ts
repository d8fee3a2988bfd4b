/**
 * The console in real headless Chromium (Debian's, driven by playwright-core) against the real
 * router, with the network cut off: every request the page makes outside 127.0.0.1 is refused and
 * DNS resolves nothing, so the page must work from what the router serves alone.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from '../helpers/chromium.js'
import { SSN_QUESTION, startConsoleRouter, type ConsoleFixture } from '../helpers/console.js'

/** The bound: a request shows up in the open console within 2 s. */
const LIVE_MS = 2_000
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'semantic-router.js')
const SECRET = 'console-dsn-pw-8812'

let f: ConsoleFixture
let browser: Browser
let page: Page
const problems: string[] = []
const offLoopback: string[] = []

before(async () => {
  f = await startConsoleRouter((doc) => {
    // The defaults the live bound is promised for.
    doc.setIn(['console', 'update_interval_ms'], 500)
    doc.setIn(
      ['semantic_cache', 'backend', 'postgres', 'connection_string'],
      `postgres://router:${SECRET}@db:5432/vsr`,
    )
  })
  browser = await launchChromium({ offline: true })
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url())
    if (url.hostname === '127.0.0.1') return route.continue()
    offLoopback.push(url.href)
    return route.abort('internetdisconnected')
  })
  page = await context.newPage()
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  await page.goto(f.ui)
  await page.waitForSelector('#conn[data-state="live"]')
})

after(async () => {
  await browser?.close()
  await f?.close()
})

async function show(view: string): Promise<void> {
  await page.evaluate(`location.hash = '#/${view}'`)
  await page.waitForSelector(`#view-${view}:not([hidden])`)
}

async function nodeCount(selector: string): Promise<number> {
  const el = await page.$(selector)
  return el ? Number(await el.getAttribute('data-count')) : 0
}

/** Wait (at most the live bound) until the flow node's count exceeds `count`. */
async function countAbove(selector: string, count: number): Promise<void> {
  const deadline = Date.now() + LIVE_MS
  while ((await nodeCount(selector)) <= count) {
    assert.ok(Date.now() < deadline, `${selector} did not go above ${count} within ${LIVE_MS} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Text of every element matching `selector`. */
async function texts(selector: string): Promise<string[]> {
  const els = await page.$$(selector)
  return Promise.all(els.map(async (e) => (await e.textContent()) ?? ''))
}

describe('console in Chromium', () => {
  it('loads every view with no console errors and nothing fetched off the machine', async () => {
    for (const view of ['flow', 'decisions', 'playground', 'config', 'models']) await show(view)
    await page.waitForSelector('[data-testid=models-table] tr[data-name="deepseek-v31"]')
    await page.waitForSelector('[data-testid=endpoints-table] tr[data-name="local-a"]')
    assert.deepEqual(problems, [])
    assert.deepEqual(offLoopback, [])
  })

  it('flow and decisions update within 2 s of a request through the gateway', async () => {
    await show('flow')
    const node = '[data-node="source:history"]'
    const before = await nodeCount(node)
    const res = await f.ask('Why did World War I start?')
    const id = res.headers.get('x-request-id')!
    await countAbove(node, before)
    await show('decisions')
    const row = await page.waitForSelector(`tr[data-id="${id}"]`, { timeout: LIVE_MS })
    assert.equal(await row.getAttribute('data-transport'), 'gateway')
    assert.match((await row.textContent()) ?? '', /history.*small-chat.*local-b/)
  })

  it('flow and decisions update within 2 s of a request through Envoy (ext_proc)', async () => {
    await show('decisions')
    const id = randomUUID()
    assert.equal(await f.askViaEnvoy('What is quantum entanglement?', id), 200)
    const row = await page.waitForSelector(`tr[data-id="${id}"]`, { timeout: LIVE_MS })
    assert.equal(await row.getAttribute('data-transport'), 'extproc')
    await show('flow')
    const node = '[data-node="source:physics"]'
    const before = await nodeCount(node)
    assert.equal(await f.askViaEnvoy('What is the speed of light in a vacuum?', randomUUID()), 200)
    await countAbove(node, before)
  })

  it('the detail view explains a decision: signals, candidates, the score that won', async () => {
    const res = await f.ask(SSN_QUESTION)
    const id = res.headers.get('x-request-id')!
    await show('decisions')
    await (await page.waitForSelector(`tr[data-id="${id}"]`, { timeout: LIVE_MS })).click()
    const detail = await page.waitForSelector(`[data-testid=decision-detail][data-id="${id}"]`)
    const summary = (await (await detail.$('[data-testid=why-summary]'))!.textContent()) ?? ''
    assert.match(summary, /law/)
    assert.match(summary, /deepseek-v31/)
    assert.match(summary, /PII/)
    const signals = (await (await detail.$('[data-testid=why-signals]'))!.textContent()) ?? ''
    assert.match(signals, /model: embedded\/category-classifier/)
    assert.match(signals, /pii: US_SSN/)
    const candidates = await texts(
      `[data-testid=decision-detail][data-id="${id}"] [data-testid=why-candidates] tbody tr`,
    )
    assert.equal(candidates.length, 2)
    assert.match(candidates.find((c) => c.includes('gpt-oss-20b')) ?? '', /PII policy: US_SSN/)
    assert.match(candidates.find((c) => c.includes('deepseek-v31')) ?? '', /chosen/)
  })

  it('the playground shows the decision `semantic-router classify` prints', async () => {
    const text = 'How do interest rate hikes affect unemployment?'
    const printed = promisify(execFile)(
      process.execPath,
      [BIN, 'classify', '--config', f.router.configPath, text],
      { timeout: 60_000 },
    )
    await show('playground')
    await page.fill('[data-testid=playground-text]', text)
    await page.click('[data-testid=playground-run]')
    const shown = await page.waitForSelector('[data-testid=playground-decision]')
    const decision: unknown = JSON.parse((await shown.textContent()) ?? '')
    assert.deepEqual(decision, JSON.parse((await printed).stdout))
    const bars = await texts('[data-testid=playground-probabilities] > span:nth-child(3n+1)')
    assert.equal(bars[0], 'economics')
  })

  it('the config view shows the hash and never a secret', async () => {
    await show('config')
    const hash = await page.waitForSelector('[data-testid=config-hash]')
    assert.equal(await hash.textContent(), f.router.app.runtime().loaded.hash)
    const text = await page.waitForSelector('[data-testid=config-text]')
    assert.match((await text.textContent()) ?? '', /postgres:\/\/router:\[redacted\]@db/)
    await page.click('#view-config button.link-dark')
    assert.match((await text.textContent()) ?? '', /# |vllm_endpoints/)
    assert.equal((await page.content()).includes(SECRET), false)
  })

  it('finished with no console errors and no request off the machine', () => {
    assert.deepEqual(problems, [])
    assert.deepEqual(offLoopback, [])
  })
})
