/**
 * bench/selection/tradeoff.ts end to end on a small run (one trial, three cost weights): the
 * router's points, every single model and random routing come out, the knob moves the router
 * from the quality end to the cheap end, and the HTML report draws the curve and states the
 * targets. The recorded run is in bench/selection/recorded/ and docs/benchmarks.md.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { runNodeAsync } from '../helpers/processes.js'

test('the trade-off sweep runs and reports the curve', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sr-tradeoff-'))
  try {
    const report = join(dir, 'report.html')
    const run = await runNodeAsync([
      '--import',
      'tsx',
      'bench/selection/tradeoff.ts',
      '--trials',
      '1',
      '--calibration',
      '2',
      '--weights',
      '0,0.5,1',
      '--report',
      report,
    ])
    assert.equal(run.status, 0, run.stderr)
    const doc = JSON.parse(run.stdout) as {
      router: {
        cost_weight: number
        accuracy: number
        cost_per_1k_requests: number
        models: Record<string, number>
      }[]
      singles: { model: string }[]
      random: { requests: number }
      verdicts: string[]
    }
    assert.deepEqual(
      doc.router.map((p) => p.cost_weight),
      [0, 0.5, 1],
    )
    assert.equal(doc.singles.length, 5)
    assert.equal(doc.random.requests, 84)
    const [best, , cheapest] = doc.router
    // cost_weight 1 sends every routed request to the cheapest model (questions the classifier is
    // unsure about go to default_model whatever the knob says).
    assert.ok(cheapest!.cost_per_1k_requests < best!.cost_per_1k_requests)
    assert.ok(best!.accuracy > cheapest!.accuracy)
    assert.ok((cheapest!.models['tiny'] ?? 0) > 0.5, JSON.stringify(cheapest!.models))
    assert.equal(best!.models['tiny'], undefined)
    const html = readFileSync(report, 'utf8')
    assert.match(html, /id="chart-tradeoff"/)
    assert.match(html, /<polyline class="curve"/)
    assert.match(html, /Target 1 (met|not met)/)
    assert.match(html, /SIMULATED MODELS/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
