/**
 * The models and endpoints tables show the router's outlier detection (an endpoint that keeps
 * failing shows up ejected, with its ejection count and time left) and what the model
 * selectors measure (per-model selection window), from a real router whose second endpoint is a
 * closed port; and the learned scores of a decision's Elo/bandit book, from a real score book.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { resilienceSource, selectionSource } from '../../src/console/live-sources.js'
import type { StreamFrames } from '../../src/console/frames.js'
import { silentLogger } from '../../src/log.js'
import { EndpointStats } from '../../src/runtime/endpoint-stats.js'
import { Learning } from '../../src/routing/selection/learning.js'
import { ModelLiveStats } from '../../src/routing/selection/live-stats.js'
import { MemoryStateStore } from '../../src/state/memory.js'
import { ConsoleStream, startConsoleRouter, type ConsoleFixture } from '../helpers/console.js'
import { freePort } from '../helpers/processes.js'

type Row = StreamFrames['models']['models']['rows'][number]

let f: ConsoleFixture

before(async () => {
  const closed = await freePort()
  f = await startConsoleRouter((doc) => {
    // local-b (small-chat, gpt-oss-20b) refuses connections.
    doc.setIn(['vllm_endpoints', 1, 'port'], closed)
    // Long enough to outlast a slow test machine.
    doc.setIn(['resilience', 'outlier_detection', 'base_ejection_ms'], 60_000)
  })
})
after(() => f?.close())

function row(frame: StreamFrames['models'], table: 'models' | 'endpoints', name: string): Row {
  const found = frame[table].rows.find((r) => r['name'] === name)
  assert.ok(found, `${table} row ${name}`)
  return found
}

describe('console events when the gateway fails over', () => {
  it('shows one decision per request, whichever model answered', async () => {
    const stream = await ConsoleStream.open(f.router.apiUrl)
    try {
      // Routed to small-chat on the refusing endpoint: the gateway retries, then tries the
      // decision's other models (or keeps to the one it has).
      const res = await f.ask('How should I price my startup product?')
      const id = res.headers.get('x-request-id')!
      const last = await stream.decision(id)
      await new Promise((r) => setTimeout(r, 300))
      const mine = stream.decisions().filter((e) => e.id === id)
      assert.deepEqual(
        mine.map((e) => e.outcome),
        ['forwarded'],
      )
      assert.equal(last.status, res.status)
    } finally {
      stream.close()
    }
  })
})

describe('console tables: outlier detection and selection', () => {
  it('shows a failing endpoint ejected and the selection window filling', async () => {
    const stream = await ConsoleStream.open(f.router.apiUrl)
    try {
      const hello = stream.frames.length
      // Different texts: a repeated one would be a cache hit, never reaching the endpoint.
      for (const text of ['Hi there', 'Good morning'])
        assert.equal((await f.ask(text, 'qwen3-8b')).status, 200)
      for (let i = 0; i < 3; i++)
        assert.equal((await f.ask(`Say hello ${i} times.`, 'small-chat')).status >= 500, true)
      const frame = await stream.next(
        'models',
        (m) =>
          row(m, 'endpoints', 'local-b')['outlier'] === 'ejected' &&
          Number(row(m, 'models', 'qwen3-8b')['selSamples']) >= 2,
        10_000,
        hello,
      )
      const columns = frame.endpoints.columns.map((c) => c.key)
      for (const key of ['outlier', 'ejectedFor', 'ejections', 'failStreak', 'picks', 'priority'])
        assert.ok(columns.includes(key), key)
      const b = row(frame, 'endpoints', 'local-b')
      assert.equal(b['priority'], 0)
      assert.ok(Number(b['ejections']) >= 1)
      // Each request picks it at least once (the gateway's retries pick it again).
      assert.ok(Number(b['picks']) >= 3)
      assert.ok(Number(b['ejectedFor']) > 0)
      assert.equal(row(frame, 'endpoints', 'local-a')['outlier'], 'healthy')
      const qwen = row(frame, 'models', 'qwen3-8b')
      assert.ok(Number(qwen['selSamples']) >= 2, 'selection window counts the answers')
      assert.equal(typeof qwen['selTtft'], 'number')
      assert.ok(frame.models.columns.some((c) => c.key === 'learned'))
    } finally {
      stream.close()
    }
  })
})

describe('selection source', () => {
  it('lists learned scores per decision, most-rated first', async () => {
    const learning = new Learning(new MemoryStateStore(), silentLogger())
    const math = learning.book({ recipe: 'default', name: 'math' })
    const code = learning.book({ recipe: 'default', name: 'code' })
    await Promise.all([math.ready, code.ready])
    const models = ['qwen3-8b', 'small-chat']
    for (let i = 0; i < 3; i++) await math.rate('qwen3-8b', 1, models)
    await code.rate('qwen3-8b', 0, models)
    const source = selectionSource(() => ({ stats: new ModelLiveStats(), learning }))
    await source.prepare?.()
    const cell = String(source.model?.('qwen3-8b')['learned'])
    assert.match(cell, /^math: \d+ · 0\.\d\d \(3\); code: \d+ · 0\.\d\d \(1\)$/)
    const [mathRating, codeRating] = [...cell.matchAll(/: (\d+) ·/g)].map((m) => Number(m[1]))
    assert.ok(mathRating! > codeRating!, 'liked in math, disliked in code')
    assert.equal(source.model?.('unknown-model')['learned'], null)
  })

  it('resilience source reads without creating endpoints', () => {
    const stats = new EndpointStats()
    const source = resilienceSource(stats)
    assert.equal(source.endpoint?.('never-seen')['outlier'], 'healthy')
    assert.equal(stats.snapshot().size, 0)
  })
})
