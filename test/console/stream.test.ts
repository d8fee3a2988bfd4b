/**
 * The console's live stream against the real router (bundled config, embedded models, a simulator
 * as the backends, ext_proc on): every request through the gateway or Envoy becomes one decision
 * event with the evidence behind it, the flow counts it, prompts never appear, and nothing is
 * built while no console listens.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import {
  ConsoleStream,
  JAILBREAK,
  SSN_QUESTION,
  startConsoleRouter,
  type ConsoleFixture,
} from '../helpers/console.js'
import { waitFor } from '../helpers/events.js'

let f: ConsoleFixture

before(async () => {
  f = await startConsoleRouter((doc) => doc.setIn(['console', 'max_subscribers'], 2))
})
after(() => f?.close())

const events = () => f.router.app.runtime().services.state.events

describe('console event stream', () => {
  it('builds no events while no console is open', async () => {
    assert.equal(events().active, false)
    await f.ask('What is the difference between mitosis and meiosis?')
    const stream = await ConsoleStream.open(f.router.apiUrl)
    assert.equal(events().active, true)
    const hello = stream.frames[0]!
    assert.equal(hello.event, 'hello')
    if (hello.event !== 'hello') return
    assert.equal(hello.data.flow.total, 0, 'traffic before the console opened is not replayed')
    assert.equal(hello.data.settings.showPrompts, false)
    assert.equal(hello.data.config.hash, f.router.app.runtime().loaded.hash)
    stream.close()
    await waitFor(() => !events().active)
  })

  it('shows a gateway request with its category, scores, reasoning and endpoint', async () => {
    const stream = await ConsoleStream.open(f.router.apiUrl)
    try {
      const res = await f.ask('Solve 3x + 7 = 22 for x.')
      const id = res.headers.get('x-request-id')!
      const e = await stream.decision(id)
      assert.equal(e.transport, 'gateway')
      assert.equal(e.outcome, 'forwarded')
      assert.equal(e.status, 200)
      assert.equal(e.category, 'math')
      assert.equal(e.upstreamModel, res.headers.get('x-vsr-selected-model'))
      assert.equal(e.reasoning?.enabled, true)
      assert.equal(e.reasoning?.family, 'deepseek')
      assert.equal(e.endpoint?.name, 'local-a')
      assert.equal(e.classifier?.source, 'model')
      assert.equal(e.classifier?.top?.[0]?.category, 'math')
      const chosen = e.candidates.find((c) => c.chosen)
      assert.equal(chosen?.model, e.selectedModel)
      assert.ok(e.candidates.every((c) => c.chosen || c.score <= chosen.score))
      assert.ok(e.signals.some((s) => s.kind === 'model' && s.matched))
      assert.ok(e.usage && e.usage.totalTokens > 0)
      assert.ok(e.cost && e.cost.amount > 0)
      const flow = await stream.next('flow', (fl) =>
        fl.paths.some((p) => p.source === 'math' && p.model === e.upstreamModel),
      )
      assert.ok(flow.total >= 1)
      // The detail endpoint serves the same event while it is in the recent window.
      const detail = await fetch(`${f.router.apiUrl}/ui/api/decision?id=${id}`)
      assert.equal(detail.status, 200)
      assert.deepEqual(await detail.json(), e)
      const unknown = await fetch(`${f.router.apiUrl}/ui/api/decision?id=nope`)
      assert.equal(unknown.status, 404)
    } finally {
      stream.close()
    }
  })

  it('shows a request through Envoy (ext_proc) the same way', async () => {
    const stream = await ConsoleStream.open(f.router.apiUrl)
    try {
      const id = randomUUID()
      assert.equal(await f.askViaEnvoy('What is quantum entanglement?', id), 200)
      const e = await stream.decision(id)
      assert.equal(e.transport, 'extproc')
      assert.equal(e.category, 'physics')
      assert.equal(e.outcome, 'forwarded')
      assert.equal(e.status, 200)
      assert.equal(e.endpoint?.name, 'local-a')
    } finally {
      stream.close()
    }
  })

  it('shows blocks, PII re-routes and cache hits as their own outcomes', async () => {
    const stream = await ConsoleStream.open(f.router.apiUrl)
    try {
      const blocked = await f.ask(JAILBREAK)
      const jb = await stream.decision(blocked.headers.get('x-request-id')!)
      assert.equal(jb.outcome, 'jailbreak_block')
      assert.equal(jb.guards.jailbreak?.blocked, true)
      assert.ok((jb.guards.jailbreak?.probability ?? 0) >= (jb.guards.jailbreak?.threshold ?? 1))
      assert.equal(jb.endpoint, undefined)

      const pii = await f.ask(SSN_QUESTION)
      const rerouted = await stream.decision(pii.headers.get('x-request-id')!)
      assert.equal(rerouted.reasonCode, 'pii_policy_alternative_selected')
      assert.deepEqual(rerouted.guards.pii?.denied, ['US_SSN'])
      assert.equal(rerouted.guards.pii?.action, 'rerouted')
      const excluded = rerouted.candidates.find((c) => c.excluded)
      assert.equal(excluded?.model, 'gpt-oss-20b')
      assert.match(excluded?.excluded ?? '', /US_SSN/)

      await f.ask('What causes inflation?')
      const hit = await f.ask('What are the causes of inflation?')
      assert.equal(hit.headers.get('x-vsr-cache-hit'), 'true')
      const cached = await stream.decision(hit.headers.get('x-request-id')!)
      assert.equal(cached.outcome, 'cache_hit')
      assert.equal(cached.cache?.hit, true)
      assert.ok((cached.cache?.similarity ?? 0) > 0.8)

      const flow = await stream.next('flow', (fl) =>
        ['jailbreak_block', 'cache_hit'].every((o) => fl.paths.some((p) => p.outcome === o)),
      )
      const block = flow.paths.find((p) => p.outcome === 'jailbreak_block')
      assert.equal(block?.model, '')
    } finally {
      stream.close()
    }
  })

  it('never sends prompt text unless console.show_prompts is on', async () => {
    const marker = 'zebra-marker-7319 What is the capital of Australia?'
    const stream = await ConsoleStream.open(f.router.apiUrl)
    try {
      const res = await f.ask(marker)
      await stream.decision(res.headers.get('x-request-id')!)
      assert.equal(stream.raw.includes('zebra-marker-7319'), false)
    } finally {
      stream.close()
    }
  })

  it('refuses consoles past max_subscribers with 503 console_busy', async () => {
    const a = await ConsoleStream.open(f.router.apiUrl)
    const b = await ConsoleStream.open(f.router.apiUrl)
    try {
      const res = await fetch(`${f.router.apiUrl}/ui/api/stream`)
      assert.equal(res.status, 503)
      const body = (await res.json()) as { error: { code: string } }
      assert.equal(body.error.code, 'CONSOLE_BUSY') // the API's error shape: upper-cased code
    } finally {
      a.close()
      b.close()
    }
  })

  it('serves the front end from the package with a strict content security policy', async () => {
    const redirect = await fetch(`${f.router.apiUrl}/ui`, { redirect: 'manual' })
    assert.equal(redirect.status, 308)
    assert.equal(redirect.headers.get('location'), '/ui/')
    const page = await fetch(f.ui)
    assert.equal(page.status, 200)
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/)
    const html = await page.text()
    assert.doesNotMatch(html, /https?:\/\//, 'no external URL in the page')
    const script = await fetch(`${f.ui}js/main.js`)
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8')
    const etag = script.headers.get('etag')!
    const again = await fetch(`${f.ui}js/main.js`, { headers: { 'if-none-match': etag } })
    assert.equal(again.status, 304)
    assert.equal((await fetch(`${f.ui}../package.json`)).status, 404)
    assert.equal((await fetch(`${f.ui}js/nope.js`)).status, 404)
    const post = await fetch(`${f.router.apiUrl}/ui/api/stream`, { method: 'POST' })
    assert.equal(post.status, 405)
  })
})
