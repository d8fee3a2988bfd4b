import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { LiveRuntime } from './live-runtime.js'

class Fake {
  closed = 0
  constructor(readonly name: string) {}
  close(): Promise<void> {
    this.closed++
    return Promise.resolve()
  }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r))

describe('LiveRuntime', () => {
  it('closes a replaced runtime only after its last lease is released', async () => {
    const a = new Fake('a')
    const b = new Fake('b')
    const live = new LiveRuntime<Fake>(a, { graceMs: 60_000, onCloseError: () => undefined })
    const lease = live.acquire()
    live.swap(b)
    assert.equal(live.current(), b)
    assert.equal(lease.runtime, a)
    await tick()
    assert.equal(a.closed, 0, 'still leased')
    lease.release()
    lease.release()
    await tick()
    assert.equal(a.closed, 1)
    assert.equal(live.acquire().runtime, b)
  })

  it('closes an idle replaced runtime at once, and everything on close', async () => {
    const a = new Fake('a')
    const b = new Fake('b')
    const live = new LiveRuntime<Fake>(a, { graceMs: 10, onCloseError: () => undefined })
    live.swap(b)
    await tick()
    assert.equal(a.closed, 1)
    live.acquire() // never released: close() waits at most the grace period
    await live.close(10)
    assert.equal(b.closed, 1)
    assert.equal(a.closed, 1, 'closed once')
  })

  it('does not let a stuck lease pin an old runtime past the grace period', async () => {
    const a = new Fake('a')
    const live = new LiveRuntime<Fake>(a, { graceMs: 20, onCloseError: () => undefined })
    live.acquire()
    live.swap(new Fake('b'))
    await new Promise((r) => setTimeout(r, 60))
    assert.equal(a.closed, 1)
  })
})
