// The HTML report rendered in headless Debian Chromium (playwright-core) with the network cut off.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { loadDataset, sampleQuestions } from '../../src/bench/datasets/index.js'
import { writeRunOutputs } from '../../src/bench/output.js'
import { quizResponder } from '../../src/bench/quiz-responder.js'
import { runBenchmark, type TargetResult } from '../../src/bench/runner.js'
import { startSimulator, type Simulator } from '../../src/simulator/index.js'
import { launchChromium } from '../helpers/chromium.js'

const SAMPLE = join(import.meta.dirname, '..', '..', 'bench', 'datasets', 'sample-mmlu-pro.jsonl')

let sim: Simulator
let browser: Browser
let reportPath: string
let results: readonly TargetResult[]

before(async () => {
  const all = (await loadDataset('mmlu-pro', SAMPLE)).questions
  sim = await startSimulator({
    models: ['qwen3-8b', { name: 'phi-mini', behaviour: { fault: { status: 500, rate: 0.2 } } }],
    responder: quizResponder({
      questions: all,
      profiles: {
        'qwen3-8b': { defaultAccuracy: 0.6, reasoningGain: 0.2 },
        'phi-mini': { defaultAccuracy: 0.5 },
      },
    }),
  })
  const outputDir = mkdtempSync(join(tmpdir(), 'bench-report-'))
  const run = await runBenchmark({
    targets: [
      {
        id: 'vllm::qwen3-8b',
        kind: 'direct',
        endpoint: sim.baseUrl,
        model: 'qwen3-8b',
        modes: ['NR', 'NR_REASONING'],
      },
      {
        id: 'vllm::phi-mini',
        kind: 'direct',
        endpoint: sim.baseUrl,
        model: 'phi-mini',
        modes: ['NR'],
      },
    ],
    questions: sampleQuestions(all, { perCategory: 2 }),
    dataset: 'mmlu-pro',
    outputDir,
    concurrency: 4,
    maxTokens: 256,
    temperature: 0,
    seed: 42,
    timeoutMs: 10_000,
    stream: false,
    pricing: {
      'qwen3-8b': { currency: 'USD', prompt_per_1m: 0.2, completion_per_1m: 0.6 },
      'phi-mini': { currency: 'USD', prompt_per_1m: 0.05, completion_per_1m: 0.1 },
    },
    families: {},
  })
  results = run.results
  reportPath = writeRunOutputs(outputDir, results, {
    dataset: 'mmlu-pro',
    simulated: true,
    notes: ['a <note> with markup'],
    settings: {},
  }).reportPath
  browser = await launchChromium()
})
after(async () => {
  await browser?.close()
  await sim?.close()
})

describe('HTML report', () => {
  it('is one self-contained file: no scripts, no external references', () => {
    const html = readFileSync(reportPath, 'utf8')
    assert.doesNotMatch(html, /<script/i)
    assert.doesNotMatch(html, /(?:src|href)="(?:https?:)?\/\//i)
    assert.doesNotMatch(html, /@import|url\(/i)
    assert.match(html, /a &lt;note&gt; with markup/)
  })

  it('renders in headless Chromium offline, with every chart and section', async () => {
    const page = await browser.newPage()
    const external: string[] = []
    await page.route('**/*', (route) => {
      const url = route.request().url()
      if (url.startsWith('file://')) return route.continue()
      external.push(url)
      return route.abort()
    })
    const problems: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text())
    })
    page.on('pageerror', (e) => problems.push(e.message))
    await page.goto(`file://${reportPath}`)
    assert.deepEqual(external, [])
    assert.deepEqual(problems, [])

    assert.match(await page.locator('#simulated-banner').innerText(), /SIMULATED MODELS/)
    for (const id of [
      '#chart-accuracy',
      '#chart-tokens',
      '#chart-latency',
      '#chart-cost',
      '#chart-reasoning-vllm-qwen3-8b',
    ]) {
      const box = await page.locator(`${id} svg`).boundingBox()
      assert.ok(
        box && box.width > 300 && box.height > 100,
        `${id} is drawn (${JSON.stringify(box)})`,
      )
    }
    // Accuracy chart: one bar per (category, run line) that has a value: 14 categories × 3 lines.
    assert.equal(await page.locator('#chart-accuracy rect.bar').count(), 14 * 3)
    assert.equal(await page.locator('#chart-cost circle.point').count(), 3)
    // The overview lists each run line with the accuracy from summary.json.
    const rows = await page.locator('#overview tbody tr').allInnerTexts()
    assert.equal(rows.length, 3)
    const qwenOff = results[0]!.summary.by_mode['NR']!
    assert.ok(rows[0]!.includes(`${(qwenOff.accuracy * 100).toFixed(1)}%`), rows[0])
    // Reasoning evaluation: standard and reasoning lines, and the flips sentence.
    const reasoning = await page
      .locator('h2:has-text("Reasoning mode evaluation") ~ p.flips')
      .first()
      .innerText()
    assert.match(reasoning, /28 questions: accuracy [+-]\d+\.\d points with reasoning/)
    // Errors from the flaky model show up per model.
    const models = await page.locator('#models').innerText()
    assert.match(models, /phi-mini[\s\S]*http_500: \d+/)
    if (process.env['REPORT_SCREENSHOT']) {
      await page.setViewportSize({ width: 1300, height: 1000 })
      await page.screenshot({ path: process.env['REPORT_SCREENSHOT'], fullPage: true })
    }
    await page.close()
  })

  it('is found at the documented path beside the run folders', () => {
    assert.ok(existsSync(join(reportPath, '..', 'comparison.json')))
    assert.ok(existsSync(join(reportPath, '..', 'vllm--qwen3-8b', 'summary.json')))
  })
})
