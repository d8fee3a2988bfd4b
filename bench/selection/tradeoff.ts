/**
 * The headline benchmark of issue 15: the router's accuracy-versus-cost curve as a caller sweeps
 * the trade-off knob, against every single model and against random routing, on a SIMULATED fleet
 * (bench/selection/fleet.yaml: per-category accuracy, price).
 *
 *   1. Calibration: every model answers the bundled MMLU-Pro sample directly, over `--calibration`
 *      independent trials; its per-category accuracy becomes `model_scores` — what `semantic-router
 *      eval models` does. The test trials below use other answer draws.
 *   2. The router (in process, the gateway on loopback; the bundled quickstart keyword rules and
 *      category model decide the category) routes with `multi_factor` (quality = model_scores) and
 *      each request carries `x-vsr-preference: cost_weight=<w>` for w in the sweep.
 *   3. Every model directly, and random routing (a seeded uniform pick per question from the
 *      direct answers), on the same test trials.
 *
 * A trial is the same 84 questions with an independent simulated answer draw (the prompt ends in
 * `[trial N]`, which seeds the simulator's draw), so figures average over trials × 84 answers.
 * Writes JSON (`--out`) and the HTML report with the curve (`--report`).
 *
 *   flock /work/.heavy.lock node --import tsx bench/selection/tradeoff.ts \
 *     --out bench/selection/recorded/tradeoff-<date>.json --report /tmp/tradeoff/report.html
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { parse as parseYaml } from 'yaml'
import { createRouterApp } from '../../src/assembly/app.js'
import { parseRouterConfig } from '../../src/assembly/load-config.js'
import { SAMPLE_DATASET } from '../../src/bench/cli-run.js'
import { loadDataset, type Question } from '../../src/bench/datasets/index.js'
import { grade } from '../../src/bench/extract.js'
import { buildPrompt } from '../../src/bench/prompts.js'
import { quizResponder } from '../../src/bench/quiz-responder.js'
import { renderReport } from '../../src/bench/report/html.js'
import type { TradeoffReport } from '../../src/bench/report/tradeoff.js'
import { silentLogger } from '../../src/log.js'
import { seededRandom } from '../../src/seeded-random.js'
import { startSimulator, type Responder } from '../../src/simulator/index.js'

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '10' },
    calibration: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    weights: { type: 'string', default: '0,0.1,0.2,0.3,0.5,0.7,0.8,0.85,0.9,0.95,1' },
    seed: { type: 'string', default: '42' },
    /** The quickstart config's category threshold (chosen there on the category held-out set). */
    threshold: { type: 'string', default: '0.3' },
    'first-trial': { type: 'string', default: '101' },
    out: { type: 'string' },
    report: { type: 'string' },
  },
})

interface FleetModel {
  default_accuracy: number
  accuracy?: Record<string, number>
  prompt_per_1m: number
  completion_per_1m: number
  ttft_ms: number
  output_tokens: number
}
const FLEET_FILE = join(import.meta.dirname, 'fleet.yaml')
const fleet = (
  parseYaml(readFileSync(FLEET_FILE, 'utf8')) as { models: Record<string, FleetModel> }
).models
const MODELS = Object.keys(fleet)
const seed = Number(values.seed)

/** Per-trial answer draws: the prompt's `[trial N]` picks the responder seeded with seed + N. */
function trialResponder(questions: readonly Question[]): Responder {
  const profiles = Object.fromEntries(
    MODELS.map((m) => [
      m,
      { accuracy: fleet[m]!.accuracy ?? {}, defaultAccuracy: fleet[m]!.default_accuracy },
    ]),
  )
  const byTrial = new Map<number, Responder>()
  return (input) => {
    const trial = Number(/\[trial (\d+)\]\s*$/.exec(input.promptText)?.[1] ?? 0)
    let r = byTrial.get(trial)
    if (!r) byTrial.set(trial, (r = quizResponder({ questions, profiles, seed: seed + trial })))
    return r(input)
  }
}

interface Answer {
  readonly question: Question
  readonly trial: number
  readonly model: string
  readonly correct: boolean
  readonly cost: number
}

async function pool<T>(items: readonly T[], width: number, work: (t: T) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!)
    }),
  )
}

async function ask(
  url: string,
  model: string,
  question: Question,
  trial: number,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({
      model,
      messages: [
        { role: 'user', content: `${buildPrompt(question, 'neutral')}\n\n[trial ${trial}]` },
      ],
      max_tokens: 256,
    }),
  })
  const body = (await res.json()) as {
    choices?: { message?: { content?: string } }[]
    usage?: { prompt_tokens: number; completion_tokens: number }
  }
  const served = res.headers.get('x-vsr-selected-model') ?? model
  const p = fleet[served]
  const usage = body.usage ?? { prompt_tokens: 0, completion_tokens: 0 }
  const cost = p
    ? (usage.prompt_tokens * p.prompt_per_1m + usage.completion_tokens * p.completion_per_1m) / 1e6
    : 0
  const output = body.choices?.[0]?.message?.content ?? ''
  return {
    question,
    trial,
    model: served,
    correct: res.ok && grade(question, output).correct,
    cost,
  }
}

const summarise = (answers: readonly Answer[]) => ({
  accuracy: answers.filter((a) => a.correct).length / answers.length,
  cost_per_1k_requests: (1000 * answers.reduce((s, a) => s + a.cost, 0)) / answers.length,
  requests: answers.length,
})

function routerConfig(scores: Record<string, Record<string, number>>): string {
  const quick = parseYaml(
    readFileSync(join(import.meta.dirname, '..', 'quickstart', 'config.yaml'), 'utf8'),
  ) as Record<string, unknown>
  const config = {
    vllm_endpoints: [{ name: 'sim', address: '127.0.0.1', port: 1 }],
    model_config: Object.fromEntries(
      MODELS.map((m) => [
        m,
        {
          preferred_endpoints: ['sim'],
          pricing: {
            currency: 'USD',
            prompt_per_1m: fleet[m]!.prompt_per_1m,
            completion_per_1m: fleet[m]!.completion_per_1m,
          },
        },
      ]),
    ),
    // Requests the classifier is unsure about go to the generalist.
    default_model: 'frontier-xl',
    auto_model_name: 'MoM',
    // Questions under the category threshold have no decision and go to default_model; the
    // recorded runs also try 0.5 and 0.7 (docs/benchmarks.md).
    classifier: { category_model: { threshold: Number(values.threshold) } },
    keyword_rules: quick['keyword_rules'],
    categories: Object.entries(scores).map(([name, byModel]) => ({
      name,
      model_scores: Object.entries(byModel)
        .sort((a, b) => b[1] - a[1])
        .map(([model, score]) => ({ model, score: Math.max(0.01, score), use_reasoning: false })),
    })),
    pipeline: {
      model_selector: {
        kind: 'multi_factor',
        options: { weights: { quality: 1, latency: 0, cost: 0, load: 0 } },
      },
    },
    prompt_guard: { enabled: false },
  }
  return JSON.stringify(config)
}

async function main(): Promise<void> {
  const started = new Date()
  const load = loadavg()
  const questions = (await loadDataset('mmlu-pro', SAMPLE_DATASET)).questions
  const trials = Number(values.trials)
  const calibrationTrials = Number(values.calibration)
  const width = Number(values.concurrency)
  const sim = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    models: MODELS.map((name) => ({
      name,
      behaviour: { ttftMs: fleet[name]!.ttft_ms, outputTokens: fleet[name]!.output_tokens },
    })),
    responder: trialResponder(questions),
  })
  const direct = `${sim.url}/v1/chat/completions`
  const work = (ts: readonly number[]) => ts.flatMap((t) => questions.map((q) => ({ q, t })))
  try {
    // 1. Calibration trials 1000.. (disjoint from the test trials 1..).
    const calib: Answer[] = []
    const calibTrials = Array.from({ length: calibrationTrials }, (_, i) => 1000 + i)
    for (const model of MODELS)
      await pool(work(calibTrials), width, async ({ q, t }) => {
        calib.push(await ask(direct, model, q, t))
      })
    const scores: Record<string, Record<string, number>> = {}
    const asked: Record<string, Record<string, number>> = {}
    for (const a of calib) {
      const c = (scores[a.question.category] ??= {})
      const n = (asked[a.question.category] ??= {})
      c[a.model] = (c[a.model] ?? 0) + (a.correct ? 1 : 0)
      n[a.model] = (n[a.model] ?? 0) + 1
    }
    for (const [category, byModel] of Object.entries(scores))
      for (const model of Object.keys(byModel)) byModel[model]! /= asked[category]![model]!
    // 2. The router, swept over the cost weight.
    const text = routerConfig(scores).replace('"port":1', `"port":${sim.port}`)
    const loaded = parseRouterConfig(text, { source: '<tradeoff bench>' })
    const app = await createRouterApp({
      loaded,
      watch: false,
      log: silentLogger(),
      listen: { gatewayPort: 0, enableApi: false, enableMetrics: false, enableExtproc: false },
    })
    const testTrials = Array.from({ length: trials }, (_, i) => Number(values['first-trial']) + i)
    const router: {
      cost_weight: number
      accuracy: number
      cost_per_1k_requests: number
      requests: number
      models: Record<string, number>
    }[] = []
    try {
      const gateway = `${app.gateway!.url}/v1/chat/completions`
      for (const w of values.weights.split(',').map(Number)) {
        const answers: Answer[] = []
        await pool(work(testTrials), width, async ({ q, t }) => {
          answers.push(await ask(gateway, 'MoM', q, t, { 'x-vsr-preference': `cost_weight=${w}` }))
        })
        const models: Record<string, number> = {}
        for (const a of answers) models[a.model] = (models[a.model] ?? 0) + 1 / answers.length
        router.push({ cost_weight: w, ...summarise(answers), models })
        process.stderr.write(`router w=${w}: ${JSON.stringify(router.at(-1))}\n`)
      }
    } finally {
      await app.close()
    }
    // 3. Every model directly, and random routing over their answers.
    const byModel = new Map<string, Answer[]>()
    for (const model of MODELS) {
      const answers: Answer[] = []
      await pool(work(testTrials), width, async ({ q, t }) => {
        answers.push(await ask(direct, model, q, t))
      })
      byModel.set(model, answers)
    }
    const singles = MODELS.map((model) => ({ model, ...summarise(byModel.get(model)!) }))
    const pick = seededRandom(seed)
    const key = (a: Answer) => `${a.trial}|${a.question.id}`
    const index = new Map(MODELS.map((m) => [m, new Map(byModel.get(m)!.map((a) => [key(a), a]))]))
    const random = summarise(
      byModel
        .get(MODELS[0]!)!
        .map((a) => index.get(MODELS[Math.floor(pick() * MODELS.length)]!)!.get(key(a))!),
    )
    const result: TradeoffReport = verdicts({ router, singles, random })
    const doc = {
      benchmark: 'selection/tradeoff',
      simulated: true,
      fleet: FLEET_FILE.slice(FLEET_FILE.indexOf('bench/')),
      dataset: `mmlu-pro bundled sample (${questions.length} questions)`,
      trials,
      calibration_trials: calibrationTrials,
      test_trials: testTrials,
      category_threshold: Number(values.threshold),
      calibration_scores: scores,
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', node: process.version },
      started_at: started.toISOString(),
      load_average_start: load.map((x) => Number(x.toFixed(2))),
      load_average_end: loadavg().map((x) => Number(x.toFixed(2))),
      ...result,
    }
    const json = `${JSON.stringify(doc, null, 2)}\n`
    process.stdout.write(json)
    if (values.out) writeFileSync(values.out, json)
    if (values.report) {
      mkdirSync(dirname(values.report), { recursive: true })
      writeFileSync(
        values.report,
        renderReport({
          title: 'Router accuracy versus cost (trade-off sweep)',
          dataset: doc.dataset,
          generatedAt: started.toISOString(),
          simulated: true,
          verdict: result.verdicts.join(' '),
          notes: [
            `${trials} test trials × ${questions.length} questions per point; model_scores calibrated on ${calibrationTrials} other trials.`,
          ],
          summaries: [],
          tradeoff: result,
        }),
      )
    }
  } finally {
    await sim.close()
  }
}

/** The two targets, stated against the measured points. */
function verdicts(r: Omit<TradeoffReport, 'verdicts' | 'targets'>): TradeoffReport {
  const best = [...r.singles].sort((a, b) => b.accuracy - a.accuracy)[0]!
  const atHalf = r.router.filter(
    (p) => p.accuracy >= best.accuracy && p.cost_per_1k_requests <= 0.5 * best.cost_per_1k_requests,
  )
  const cheaper = r.router.filter((p) => {
    const reaching = r.singles.filter((s) => s.accuracy >= p.accuracy)
    const cheapest = reaching.sort((a, b) => a.cost_per_1k_requests - b.cost_per_1k_requests)[0]
    return cheapest !== undefined && p.cost_per_1k_requests < cheapest.cost_per_1k_requests
  })
  const fmt = (p: { accuracy: number; cost_per_1k_requests: number }) =>
    `${(100 * p.accuracy).toFixed(1)} % at $${p.cost_per_1k_requests.toFixed(4)} per 1k requests`
  const v: string[] = [`Best single model: ${best.model}, ${fmt(best)}.`]
  const a = atHalf[0]
  v.push(
    a
      ? `Target 1 met: at cost_weight ${a.cost_weight} the router reaches ${fmt(a)} (${((100 * a.cost_per_1k_requests) / best.cost_per_1k_requests).toFixed(1)} % of its cost).`
      : 'Target 1 not met: no setting is as accurate as the best single model at ≤ 50 % of its cost.',
  )
  const c = cheaper.find((p) => p !== a) ?? cheaper[0]
  v.push(
    c
      ? `Target 2 met: at cost_weight ${c.cost_weight} the router reaches ${fmt(c)}, cheaper than every single model at least as accurate.`
      : 'Target 2 not met: at no setting is the router cheaper than the cheapest single model reaching its accuracy.',
  )
  return {
    ...r,
    targets: {
      as_accurate_as_best_at_half_cost: a?.cost_weight ?? null,
      cheaper_than_cheapest_at_same_accuracy: c?.cost_weight ?? null,
    },
    verdicts: v,
  }
}

await main()
