import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatDuration, Progress } from './progress.js'

function sink(tty: boolean) {
  const writes: string[] = []
  return { writes, sink: { write: (t: string) => writes.push(t), isTTY: tty } }
}

describe('progress', () => {
  it('redraws one bar with rate and ETA on a terminal', () => {
    let now = 0
    const { writes, sink: s } = sink(true)
    const p = new Progress(10, s, true, () => now)
    p.setLabel('router::auto')
    for (let i = 0; i < 5; i++) {
      now += 1000
      p.tick()
    }
    p.finish()
    assert.ok(writes.every((w) => w.startsWith('\r\x1b[K') || w === '\n'))
    assert.equal(
      writes.at(-2),
      '\r\x1b[K[############------------] 5/10 50% 1.0/s ETA 0:05 router::auto',
    )
    assert.equal(writes.at(-1), '\n')
  })
  it('prints a plain line every 10% elsewhere', () => {
    let now = 0
    const { writes, sink: s } = sink(false)
    const p = new Progress(100, s, false, () => now)
    for (let i = 0; i < 100; i++) {
      now += 10
      p.tick()
    }
    assert.equal(writes.length, 11) // 1%..9% → step 0, then each 10%, and 100%
    assert.ok(writes.every((w) => w.startsWith('progress: ') && w.endsWith('\n')))
    assert.match(writes.at(-1)!, /^progress: 100\/100 100% 100\.0\/s ETA 0:00\n$/)
  })
  it('formats durations', () => {
    assert.equal(formatDuration(5), '0:05')
    assert.equal(formatDuration(3725), '1:02:05')
    assert.equal(formatDuration(Number.NaN), '?')
  })
})
