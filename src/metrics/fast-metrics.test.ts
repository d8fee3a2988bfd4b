import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { FastCounter, FastGauge, FastHistogram } from './fast-metrics.js'

/** The same metric twice: prom-client's own and ours, each on its own registry. */
function pair<M>(make: (registry: Registry, cls: 'plain' | 'fast') => M) {
  const plain = new Registry()
  const fast = new Registry()
  return {
    plain: make(plain, 'plain'),
    fast: make(fast, 'fast'),
    same: async () => assert.equal(await fast.metrics(), await plain.metrics()),
  }
}

describe('FastCounter', () => {
  const counters = () =>
    pair((registry, cls) => {
      const config = {
        name: 'c_total',
        help: 'h',
        labelNames: ['model', 'reason'] as const,
        registers: [registry],
      }
      return cls === 'plain' ? new Counter(config) : new FastCounter(config)
    })

  it('exports what prom-client exports for the same calls', async () => {
    const m = counters()
    for (const c of [m.plain, m.fast]) {
      c.inc({ model: 'a', reason: 'x' })
      c.inc({ model: 'a', reason: 'x' }, 2.5)
      c.inc({ reason: 'x', model: 'a' }, 0)
      c.inc({ model: 'b', reason: 'x' })
      c.inc({ model: 'a' }, 4)
      c.inc({ model: 'a', reason: 'y' }, 1)
      c.labels({ model: 'b', reason: 'x' }).inc(3)
      c.inc({ model: 7, reason: 'x' })
    }
    await m.same()
  })

  it('refuses what prom-client refuses, and keeps counting after reset and remove', async () => {
    const m = counters()
    for (const c of [m.plain, m.fast]) {
      c.inc({ model: 'a', reason: 'x' })
      assert.throws(() => c.inc({ model: 'a', reason: 'x' }, -1), /decrease/)
      assert.throws(() => c.inc({ model: 'a', reason: 'x' }, Infinity), /not a valid number/)
      assert.throws(() => c.inc({ model: 'a', nope: 'x' } as never), /not included/)
    }
    await m.same()
    for (const c of [m.plain, m.fast]) {
      c.reset()
      c.inc({ model: 'a', reason: 'x' }, 2)
      c.remove({ model: 'a', reason: 'x' })
      c.inc({ model: 'a', reason: 'x' }, 5)
      c.inc({ model: 'c', reason: 'x' })
    }
    await m.same()
  })

  it('counts without labels', async () => {
    const m = pair((registry, cls) => {
      const config = { name: 'n_total', help: 'h', registers: [registry] }
      return cls === 'plain' ? new Counter(config) : new FastCounter(config)
    })
    for (const c of [m.plain, m.fast]) {
      c.inc()
      c.inc(2)
      c.inc()
    }
    await m.same()
  })
})

describe('FastHistogram', () => {
  const histograms = () =>
    pair((registry, cls) => {
      const config = {
        name: 'h_seconds',
        help: 'h',
        labelNames: ['model'] as const,
        buckets: [0.001, 0.01, 0.5, 1, 10],
        registers: [registry],
      }
      return cls === 'plain' ? new Histogram(config) : new FastHistogram(config)
    })

  it('exports what prom-client exports for the same calls', async () => {
    const m = histograms()
    for (const h of [m.plain, m.fast]) {
      for (const v of [0, 0.001, 0.0011, 0.3, 1, 9.99, 10, 11, 1e9]) h.observe({ model: 'a' }, v)
      h.observe({ model: 'b' }, 0.02)
      h.observe({}, 0.5)
      h.observe({ model: 'b' }, 0.02)
      h.startTimer({ model: 'c' })()
    }
    // The timer's value differs between the two: compare without series c.
    for (const h of [m.plain, m.fast]) h.remove({ model: 'c' })
    await m.same()
  })

  it('refuses what prom-client refuses, and keeps observing after reset, remove and zero', async () => {
    const m = histograms()
    for (const h of [m.plain, m.fast]) {
      h.observe({ model: 'a' }, 1)
      assert.throws(() => h.observe({ model: 'a' }, NaN), /not a valid number/)
      h.reset()
      h.observe({ model: 'a' }, 2)
      h.zero({ model: 'a' })
      h.observe({ model: 'a' }, 0.2)
      h.remove({ model: 'a' })
      h.observe({ model: 'a' }, 0.3)
    }
    await m.same()
  })

  it('observes without labels', async () => {
    const m = pair((registry, cls) => {
      const config = { name: 'n_seconds', help: 'h', registers: [registry] }
      return cls === 'plain' ? new Histogram(config) : new FastHistogram(config)
    })
    for (const h of [m.plain, m.fast]) {
      h.observe(0.02)
      h.observe(3)
      h.observe(0)
    }
    await m.same()
  })
})

describe('FastGauge', () => {
  it('exports what prom-client exports after each inc, dec, set, reset and remove', async () => {
    const m = pair((registry, cls) => {
      const config = {
        name: 'g',
        help: 'h',
        labelNames: ['transport'] as const,
        registers: [registry],
      }
      return cls === 'plain' ? new Gauge(config) : new FastGauge(config)
    })
    const children = [m.plain, m.fast].map((g) => g.labels({ transport: 'gateway' }))
    const steps: ((g: Gauge<'transport'>, i: number) => void)[] = [
      (_, i) => children[i]!.inc(),
      (_, i) => children[i]!.inc(),
      (_, i) => children[i]!.dec(),
      (g) => g.inc({ transport: 'extproc' }, 3),
      (g) => g.dec({ transport: 'extproc' }, 0.5),
      (g) => g.set({ transport: 'gateway' }, 10),
      (_, i) => children[i]!.inc(),
      (_, i) => children[i]!.inc(),
      (g) => g.remove({ transport: 'extproc' }),
      (g) => g.inc({ transport: 'extproc' }),
      (g) => g.inc({ transport: 'extproc' }),
      (g) => g.reset(),
      (g) => g.dec({ transport: 'gateway' }),
      (g) => g.dec({ transport: 'gateway' }),
    ]
    for (const step of steps) {
      ;[m.plain, m.fast].forEach((g, i) => step(g, i))
      await m.same()
    }
  })

  it('counts without labels', async () => {
    const m = pair((registry, cls) => {
      const config = { name: 'n', help: 'h', registers: [registry] }
      return cls === 'plain' ? new Gauge(config) : new FastGauge(config)
    })
    for (const step of [
      (g: Gauge) => g.inc(),
      (g: Gauge) => g.inc(4),
      (g: Gauge) => g.dec(2),
      (g: Gauge) => g.set(1),
      (g: Gauge) => g.dec(),
      (g: Gauge) => g.dec(),
    ]) {
      step(m.plain)
      step(m.fast)
      await m.same()
    }
  })
})
