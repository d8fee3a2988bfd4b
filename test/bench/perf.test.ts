// The performance suite: its deterministic figures gate against the committed baseline.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { PERF_DIR, gate, loadThresholds, runPerfSuite } from '../../src/bench/perf.js'

const thresholds = loadThresholds(join(PERF_DIR, 'thresholds.yaml'))
const baseline = (
  JSON.parse(readFileSync(join(PERF_DIR, 'baseline.json'), 'utf8')) as {
    figures: Record<string, number>
  }
).figures

describe('performance suite', () => {
  it('meets the committed baseline on every deterministic figure (timing is only reported)', async () => {
    const figures = await runPerfSuite()
    const rows = gate(figures.deterministic, baseline, thresholds)
    assert.deepEqual(
      rows.filter((r) => !r.ok),
      [],
    )
    assert.equal(rows.length, Object.keys(thresholds.gates).length)
    assert.equal(figures.deterministic['routing.questions'], 84)
    for (const key of ['router.p50_ms', 'router.p99_ms', 'guards.eval_ms'])
      assert.ok(figures.timing[key]! > 0, key)
    assert.ok(
      Object.keys(figures.timing).every((k) => !(k in thresholds.gates)),
      'timing never gates',
    )
  })

  it('fails a regression beyond the tolerance, in either direction', () => {
    const t = {
      gates: {
        acc: { direction: 'higher' as const, tolerance: 0.01 },
        fpr: { direction: 'lower' as const, tolerance: 0 },
        n: { direction: 'equal' as const, tolerance: 0 },
      },
    }
    const base = { acc: 0.9, fpr: 0.05, n: 84 }
    assert.ok(gate({ acc: 0.895, fpr: 0.04, n: 84 }, base, t).every((r) => r.ok))
    const bad = gate({ acc: 0.88, fpr: 0.06, n: 83 }, base, t)
    assert.deepEqual(
      bad.map((r) => r.ok),
      [false, false, false],
    )
    assert.match(bad[0]!.why, /-0\.02 vs baseline/)
    const missing = gate({}, {}, t)
    assert.match(missing[0]!.why, /not measured/)
    assert.match(gate({ acc: 1, fpr: 0, n: 84 }, {}, t)[0]!.why, /no baseline/)
  })
})
