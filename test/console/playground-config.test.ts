/**
 * The playground gives the decision `semantic-router classify` prints (the real CLI, run as a
 * process on the same config file) and leaves no trace as traffic; the config view redacts every
 * secret and reports a refused reload with its problems.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import type { ConfigView, PlaygroundResult } from '../../src/console/frames.js'
import {
  ConsoleStream,
  JAILBREAK,
  SSN_QUESTION,
  startConsoleRouter,
  type ConsoleFixture,
} from '../helpers/console.js'

const run = promisify(execFile)
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'semantic-router.js')
const DSN_PASSWORD = 'pg-pw-5512'

let f: ConsoleFixture

before(async () => {
  f = await startConsoleRouter((doc) => {
    doc.setIn(
      ['semantic_cache', 'backend', 'postgres', 'connection_string'],
      `postgres://router:${DSN_PASSWORD}@db.internal:5432/vsr`,
    )
  })
  // A commented-out secret, as people leave them in files.
  const text = await readFile(f.router.configPath, 'utf8')
  await writeFile(f.router.configPath, `${text}\n# api_key: sk-commented-4471\n`)
  const reloaded = await f.router.app.reload()
  assert.deepEqual(reloaded, { ok: true, changed: true })
})
after(() => f?.close())

async function playground(text: string, model?: string): Promise<PlaygroundResult> {
  const res = await fetch(`${f.router.apiUrl}/ui/api/playground`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text, ...(model ? { model } : {}) }),
  })
  assert.equal(res.status, 200, await res.clone().text())
  return (await res.json()) as PlaygroundResult
}

async function cli(text: string, model?: string): Promise<unknown> {
  const args = [BIN, 'classify', '--config', f.router.configPath, ...(model ? ['-m', model] : [])]
  // Generous: each process loads every embedded model, and the machine is shared.
  const { stdout } = await run(process.execPath, [...args, text], { timeout: 180_000 })
  return JSON.parse(stdout)
}

describe('console playground', () => {
  it('shows the decision `semantic-router classify` prints', async () => {
    const cases: [string, string?][] = [
      ['Balance the equation for the combustion of methane.'],
      [SSN_QUESTION],
      [JAILBREAK],
      ['Why did World War I start?', 'qwen3-8b'],
    ]
    // One CLI process per case (each loads the config and models), two at a time: one per core.
    const printed: unknown[] = []
    for (let i = 0; i < cases.length; i += 2)
      printed.push(...(await Promise.all(cases.slice(i, i + 2).map(([t, m]) => cli(t, m)))))
    for (const [i, [text, model]] of cases.entries())
      assert.deepEqual((await playground(text, model)).decision, printed[i], text)
  })

  it('explains the decision with the distribution and the guards', async () => {
    const r = await playground(SSN_QUESTION)
    assert.equal(r.decision['reason_code'], 'pii_policy_alternative_selected')
    assert.equal(r.probabilities[0]?.category, 'law')
    const sum = r.probabilities.reduce((n, p) => n + p.probability, 0)
    assert.ok(Math.abs(sum - 1) < 1e-3, `probabilities sum to ${sum}`)
    assert.deepEqual(
      r.guards.pii?.entities.map((e) => e.type),
      ['US_SSN'],
    )
    assert.deepEqual(r.guards.pii?.deniedBySelectedModel, [], 'the re-routed model allows it')
    assert.equal(r.guards.jailbreak?.isJailbreak, false)
    assert.equal(r.explanation.candidates.find((c) => c.excluded)?.model, 'gpt-oss-20b')
    const jb = await playground(JAILBREAK)
    assert.equal(jb.guards.jailbreak?.isJailbreak, true)
    assert.equal(jb.explanation.outcome, 'jailbreak_block')
  })

  it('is not traffic: no metrics, no routing log line, no live event, no cache entry', async () => {
    const counters = async () =>
      (await f.router.metricsText())
        .split('\n')
        .filter((l) => /^llm_(model_requests|routing_reason_codes|cache_\w+)_total/.test(l))
        .join('\n')
    const before = await counters()
    const logged = f.router.events('routing_decision').length
    const stream = await ConsoleStream.open(f.router.apiUrl)
    try {
      const question = 'What are the main causes of coral bleaching?'
      await playground(question)
      assert.equal(await counters(), before)
      assert.equal(f.router.events('routing_decision').length, logged)
      // The same question through the gateway is a cache miss: the playground stored nothing.
      const res = await f.ask(question)
      assert.equal(res.headers.get('x-vsr-cache-hit'), null)
      const e = await stream.decision(res.headers.get('x-request-id')!)
      assert.equal(e.cache?.hit, false)
      assert.equal(
        stream.decisions().some((d) => d.id.startsWith('playground-')),
        false,
      )
    } finally {
      stream.close()
    }
  })

  it('refuses bad input with the API error shape', async () => {
    const url = `${f.router.apiUrl}/ui/api/playground`
    const empty = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '' }),
    })
    assert.equal(empty.status, 400)
    const text = await fetch(url, { method: 'POST', body: JSON.stringify({ text: 'hi' }) })
    assert.equal(text.status, 415, 'a cross-site form post cannot reach it')
    const broken = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":',
    })
    assert.equal(broken.status, 400)
  })
})

describe('console config view', () => {
  it('shows the active config and its hash with every secret redacted', async () => {
    const res = await fetch(`${f.router.apiUrl}/ui/api/config`)
    assert.equal(res.status, 200)
    const raw = await res.text()
    assert.equal(raw.includes(DSN_PASSWORD), false)
    assert.equal(raw.includes('sk-commented-4471'), false)
    const view = JSON.parse(raw) as ConfigView
    assert.equal(view.hash, f.router.app.runtime().loaded.hash)
    assert.match(view.effective, /postgres:\/\/router:\[redacted\]@db\.internal:5432\/vsr/)
    assert.ok(view.file, 'the file on disk is the one serving, so it is shown')
    assert.match(view.file, /# api_key: \[redacted\]/)
    assert.equal(view.lastReload?.ok, true)
  })

  it('reports a refused reload with its problems while the old config keeps serving', async () => {
    const stream = await ConsoleStream.open(f.router.apiUrl)
    const good = await readFile(f.router.configPath, 'utf8')
    try {
      const hash = f.router.app.runtime().loaded.hash
      const broken = good.replace(/^default_model: .*$/m, 'default_model: 17')
      assert.notEqual(broken, good)
      await writeFile(f.router.configPath, broken)
      const result = await f.router.app.reload()
      assert.equal(result.ok, false)
      const summary = await stream.next('config', (c) => c.lastReload?.ok === false)
      assert.equal(summary.hash, hash, 'the previous config keeps serving')
      assert.ok(summary.lastReload?.problems.some((p) => p.path.startsWith('default_model')))
      const view = (await (await fetch(`${f.router.apiUrl}/ui/api/config`)).json()) as ConfigView
      assert.equal(view.lastReload?.ok, false)
      assert.equal(view.file, undefined, 'the file on disk is not the one serving')
    } finally {
      stream.close()
      await writeFile(f.router.configPath, good)
      await f.router.app.reload()
    }
  })
})
