import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { connect } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { consoleSchema } from '../../src/config/schema/console.js'
import { routerConfigSchema, type RouterConfig } from '../../src/config/schema/index.js'
import { ConsoleHub } from '../../src/console/hub.js'
import { isRouterError } from '../../src/errors.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import { RouterEvents } from '../../src/runtime/events.js'
import { ConsoleStream } from '../helpers/console.js'
import { sampleDecision, waitFor } from '../helpers/events.js'

interface Setup {
  events: RouterEvents
  hub: ConsoleHub
  server: Server
  url: string
}

async function setup(
  settings: Record<string, unknown>,
  config: () => RouterConfig | undefined = () => undefined,
): Promise<Setup> {
  const events = new RouterEvents()
  const hub = new ConsoleHub({
    events,
    metrics: new RouterMetrics(),
    config,
    startupSettings: consoleSchema.parse({
      update_interval_ms: 100,
      linger_seconds: 0,
      ...settings,
    }),
    configSummary: () => ({ hash: 'h', source: '<test>', activeSince: 0, warnings: [] }),
    version: 'test',
  })
  const server = createServer((_req, res) => {
    hub.attach(res).catch((err: unknown) => {
      res.writeHead(isRouterError(err) ? err.status : 500)
      res.end(isRouterError(err) ? err.code : 'error')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  assert.ok(address && typeof address === 'object')
  return { events, hub, server, url: `http://127.0.0.1:${address.port}/` }
}

async function teardown(s: Setup): Promise<void> {
  s.hub.close()
  s.server.closeAllConnections()
  await new Promise((resolve) => s.server.close(resolve))
}

describe('ConsoleHub', () => {
  let s: Setup
  before(async () => {
    s = await setup({ max_subscribers: 1, max_events_per_update: 3 })
  })
  after(() => teardown(s))

  it('listens only while a console is open, and caps consoles', async () => {
    assert.equal(s.events.active, false)
    const aborter = new AbortController()
    const res = await fetch(s.url, { signal: aborter.signal })
    assert.equal(res.status, 200)
    await waitFor(() => s.events.active)
    const busy = await fetch(s.url)
    assert.equal(busy.status, 503)
    assert.equal(await busy.text(), 'console_busy')
    aborter.abort()
    await waitFor(() => !s.events.active)
    assert.equal(s.hub.stats().listening, false)
  })

  it('sends at most max_events_per_update per update and counts the rest', async () => {
    const stream = await ConsoleStream.open(s.url)
    for (let i = 0; i < 10; i++) s.events.publish(sampleDecision(`r${i}`))
    const flow = await stream.next('flow')
    const batch = await stream.next('decisions')
    stream.close()
    assert.deepEqual(
      batch.events.map((e) => e.id),
      ['r7', 'r8', 'r9'],
    )
    assert.equal(batch.omitted, 7)
    assert.equal(flow.total, 10, 'the flow counts every request, sent or not')
    await waitFor(() => !s.events.active)
  })

  it('keeps working when a listener or an event builder throws', () => {
    const events = new RouterEvents()
    events.subscribe(() => {
      throw new Error('listener bug')
    })
    let seen = 0
    events.subscribe(() => seen++)
    events.publish(sampleDecision('x'))
    assert.equal(seen, 1)
    assert.equal(events.listenerFailures, 1)
    events.offer(() => {
      throw new Error('builder bug')
    })
    assert.equal(seen, 1)
    assert.equal(events.listenerFailures, 2)
  })
})

describe('ConsoleHub after a reload turns the console off', () => {
  let config = routerConfigSchema.parse({})
  let s: Setup
  before(async () => {
    s = await setup({}, () => config)
  })
  after(() => teardown(s))

  it('ends the open streams and stops listening', async () => {
    const res = await fetch(s.url)
    await waitFor(() => s.events.active)
    config = routerConfigSchema.parse({ console: { enabled: false, linger_seconds: 0 } })
    await res.text() // the stream ends
    await waitFor(() => !s.events.active)
    assert.equal(s.hub.stats().dropped.disabled, 1)
  })
})

describe('ConsoleHub with a slow console', () => {
  let s: Setup
  before(async () => {
    s = await setup({
      subscriber_buffer_bytes: 16 * 1024,
      max_events_per_update: 1_000,
      show_prompts: true,
    })
  })
  after(() => teardown(s))

  it('drops a console that stops reading instead of buffering for it', async () => {
    // A client that sends the request and never reads the answer.
    const socket = connect(Number(new URL(s.url).port), '127.0.0.1')
    socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n')
    socket.pause()
    await waitFor(() => s.events.active)
    const big = 'x'.repeat(4_000)
    const pump = setInterval(() => {
      for (let i = 0; i < 200; i++) s.events.publish(sampleDecision(`p${i}`, { prompt: big }))
    }, 50)
    try {
      await waitFor(() => s.hub.stats().dropped.slow === 1, 20_000)
    } finally {
      clearInterval(pump)
      socket.destroy()
    }
    await waitFor(() => !s.events.active)
  })
})
