// The quickstart end to end, in process: simulated models, the real router, the benchmark, the report.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { QUICKSTART_DIR, loadProfiles, runQuickstart } from '../../src/bench/quickstart.js'

describe('bench quickstart', () => {
  it('routes through the real router to simulated models and writes the labelled report', async () => {
    const out = mkdtempSync(join(tmpdir(), 'quickstart-'))
    const lines: string[] = []
    const result = await runQuickstart({
      config: join(QUICKSTART_DIR, 'config.yaml'),
      profiles: join(QUICKSTART_DIR, 'simulated-models.yaml'),
      real: false,
      outputDir: out,
      samplesPerCategory: 1,
      concurrency: 6,
      seed: 42,
      progress: false,
      out: (l) => lines.push(l),
    })
    assert.equal(result.interrupted, false)
    const ids = result.results.map((r) => r.target.id)
    assert.deepEqual(ids, [
      'router::auto',
      'vllm::qwen3-8b',
      'vllm::deepseek-v31',
      'vllm::gpt-oss-20b',
      'vllm::small-chat',
    ])
    const router = result.results[0]!
    assert.equal(router.rows.length, 14)
    // Decisions come from the router (its headers), and match its config for math.
    const math = router.rows.find((r) => r.category === 'math')!
    assert.equal(math.selected_category, 'math')
    assert.equal(math.selected_model, 'deepseek-v31')
    assert.equal(math.reasoning, 'on')
    assert.ok(
      router.rows.every((r) => r.success),
      JSON.stringify(router.rows.map((r) => r.error)),
    )
    assert.ok(result.routingAccuracy > 0.5)
    assert.equal(
      result.results.find((r) => r.target.id === 'vllm::small-chat')!.summary.reasoning_evaluation,
      null,
    )
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    assert.match(html, /SIMULATED MODELS/)
    // The report says what the run means: the verdict, the sample size, the routing figure.
    assert.match(
      html,
      /id="verdict"><strong>Verdict \(simulated models\):<\/strong> The router reaches \d+% of the best single model's accuracy \([\d.]+% vs [\d.]+% for [a-z0-9-]+, reasoning (on|off)\) at \d+% of its cost per question\./,
    )
    assert.match(html, /Per-category figures rest on 1 question each \(14 questions over 14/)
    assert.match(html, /Routing [\d.]+%: the share of the 14 questions .* It is not an error rate/)
    const comparison = JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8'))
    assert.ok(comparison.verdict.accuracy_share > 0)
    assert.match(lines.join('\n'), /^verdict \(simulated models\): The router reaches/m)
    // Folder names open on every system (Windows refuses ':' and friends).
    assert.ok(existsSync(join(out, 'router--auto', 'detailed_results.csv')))
    for (const name of readdirSync(out)) assert.doesNotMatch(name, /[<>:"\\|?*]/, name)
    assert.match(lines.join('\n'), /semantic-router simulator/)
  })

  it('rejects a broken profiles file clearly', () => {
    assert.throws(
      () => loadProfiles(join(QUICKSTART_DIR, 'config.yaml')),
      /simulated-models|config\.yaml: /,
    )
  })
})
