/**
 * `semantic-router bench quickstart`: the whole evaluation loop in one command. Starts SIMULATED
 * models (per-category accuracy and reasoning behaviour from bench/quickstart/simulated-models.yaml)
 * on the config's loopback endpoints, starts the router in process with that config, benchmarks
 * the router ("auto") and every model directly with reasoning off and on on the sample set, and
 * writes the report. With --real, the config's own endpoints are used and nothing is simulated.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isMap, isSeq, parse as parseYaml, parseDocument } from 'yaml'
import { z } from 'zod'
import { createRouterApp } from '../assembly/app.js'
import { parseRouterConfig } from '../assembly/load-config.js'
import { parseConfigText } from '../config/load.js'
import type { RouterConfig } from '../config/schema/index.js'
import { silentLogger } from '../log.js'
import { startSimulators, type SimulatorFleet } from '../simulator/index.js'
import { SAMPLE_DATASET } from './cli-run.js'
import { loadDataset, sampleQuestions } from './datasets/index.js'
import { endpointFromConfig } from './eval-models-cli.js'
import { writeRunOutputs } from './output.js'
import { Progress } from './progress.js'
import { quizResponder, type QuizProfile } from './quiz-responder.js'
import { directTarget } from './reasoning-modes.js'
import { plannedRequests, runBenchmark, type RunResult } from './runner.js'
import { routingNote } from './verdict.js'
import type { Target } from './types.js'

export const QUICKSTART_DIR = join(import.meta.dirname, '..', '..', 'bench', 'quickstart')

const profileSchema = z.strictObject({
  default_accuracy: z.number().min(0).max(1).default(0.5),
  accuracy: z.record(z.string(), z.number().min(0).max(1)).default({}),
  reasoning_gain: z.number().min(-1).max(1).default(0),
  reasoning_tokens: z.number().int().min(0).default(32),
  output_tokens: z.number().int().min(1).default(24),
  ttft_ms: z.number().min(0).default(20),
  tpot_ms: z.number().min(0).default(1),
})
const profilesSchema = z.strictObject({ models: z.record(z.string(), profileSchema) })
export type SimulatedProfile = z.infer<typeof profileSchema>

export function loadProfiles(path: string): Record<string, SimulatedProfile> {
  const parsed = profilesSchema.safeParse(parseYaml(readFileSync(path, 'utf8')))
  if (!parsed.success)
    throw new Error(
      `${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    )
  return parsed.data.models
}

export interface QuickstartOptions {
  readonly config: string
  readonly profiles: string
  readonly real: boolean
  readonly outputDir: string
  readonly samplesPerCategory: number
  readonly concurrency: number
  readonly seed: number
  readonly progress: boolean
  /** Models benchmarked directly (default: every model in the config). */
  readonly directModels?: readonly string[]
  /** Write report.html and comparison.json (default true). */
  readonly writeReport?: boolean
  readonly signal?: AbortSignal
  readonly out: (line: string) => void
}

/** Start one simulator per loopback endpoint (free ports) and point the config text at them. */
async function simulate(
  text: string,
  config: RouterConfig,
  profiles: Record<string, SimulatedProfile>,
  questions: Parameters<typeof quizResponder>[0]['questions'],
  seed: number,
) {
  const quizProfiles: Record<string, QuizProfile> = {}
  for (const [model, p] of Object.entries(profiles)) {
    quizProfiles[model] = {
      accuracy: p.accuracy,
      defaultAccuracy: p.default_accuracy,
      reasoningGain: p.reasoning_gain,
    }
  }
  const responder = quizResponder({ questions, profiles: quizProfiles, seed })
  const listeners = config.vllm_endpoints.map((ep) => {
    const models = Object.entries(config.model_config)
      .filter(([, params]) => params.preferred_endpoints.includes(ep.name))
      .map(([name, params]) => {
        const p = profiles[name] ?? profileSchema.parse({})
        return {
          name,
          behaviour: {
            supportsReasoning: params.reasoning_family !== '',
            reasoningTokens: p.reasoning_tokens,
            outputTokens: p.output_tokens,
            ttftMs: p.ttft_ms,
            tpotMs: p.tpot_ms,
          },
        }
      })
    return {
      port: 0,
      models: models.length > 0 ? models : ['simulated-model'],
      responder,
      acceptUnknownModels: true,
    }
  })
  const fleet = await startSimulators(listeners)
  const doc = parseDocument(text, { version: '1.1' })
  const endpoints = doc.get('vllm_endpoints')
  if (isSeq(endpoints)) {
    endpoints.items.forEach((item, i) => {
      if (isMap(item)) {
        item.set('address', '127.0.0.1')
        item.set('port', fleet.simulators[i]!.port)
      }
    })
  }
  return { fleet, text: doc.toString() }
}

export async function runQuickstart(
  options: QuickstartOptions,
): Promise<RunResult & { routingAccuracy: number }> {
  const started = performance.now()
  const out = options.out
  const dataset = await loadDataset('mmlu-pro', SAMPLE_DATASET)
  const questions = sampleQuestions(dataset.questions, {
    perCategory: options.samplesPerCategory,
    seed: options.seed,
  })
  let text = readFileSync(options.config, 'utf8')
  const config = parseConfigText(text, { source: options.config }).config
  let fleet: SimulatorFleet | undefined
  if (!options.real) {
    const simulated = await simulate(
      text,
      config,
      loadProfiles(options.profiles),
      dataset.questions,
      options.seed,
    )
    fleet = simulated.fleet
    text = simulated.text
    for (const s of fleet.simulators)
      out(`simulated models on ${s.url}: ${s.models.join(', ')} (semantic-router simulator)`)
  }
  // With every plug-in check, as serve loads it (the edited text must still be a valid config).
  const loaded = parseRouterConfig(text, { source: options.config })
  const app = await createRouterApp({
    loaded,
    watch: false,
    log: silentLogger(),
    listen: { gatewayPort: 0, enableApi: false, enableMetrics: false, enableExtproc: false },
  })
  try {
    const gateway = app.gateway
    if (!gateway) throw new Error('the router did not start its gateway')
    out(`router gateway on ${gateway.url} (config ${options.config})`)
    const families = {
      modelFamilies: Object.fromEntries(
        Object.entries(loaded.config.model_config).map(([m, p]) => [m, p.reasoning_family]),
      ),
      families: loaded.config.reasoning_families,
    }
    const targets: Target[] = [
      {
        id: 'router::auto',
        kind: 'router',
        endpoint: `${gateway.url}/v1`,
        model: 'auto',
        modes: ['router'],
      },
    ]
    for (const model of options.directModels ?? Object.keys(loaded.config.model_config)) {
      const endpoint = endpointFromConfig(loaded.config, model)
      if (!endpoint) continue
      targets.push(directTarget(model, endpoint, families))
    }
    const notes: string[] = []
    const runOptions = {
      targets,
      questions,
      dataset: 'mmlu-pro (bundled sample)',
      outputDir: options.outputDir,
      concurrency: options.concurrency,
      maxTokens: 1024,
      temperature: 0,
      seed: options.seed,
      timeoutMs: 60_000,
      stream: false,
      pricing: Object.fromEntries(
        Object.entries(loaded.config.model_config).flatMap(([m, p]) =>
          p.pricing ? [[m, p.pricing]] : [],
        ),
      ),
      families,
      log: (l: string) => notes.push(l),
      ...(options.signal ? { signal: options.signal } : {}),
    }
    const progress = options.progress ? new Progress(plannedRequests(runOptions)) : undefined
    const result = await runBenchmark({ ...runOptions, ...(progress ? { progress } : {}) })
    progress?.finish()
    const routed = result.results.find((r) => r.target.kind === 'router')?.rows ?? []
    const routingAccuracy =
      routed.length === 0
        ? 0
        : routed.filter((r) => r.selected_category.toLowerCase() === r.category.toLowerCase())
            .length / routed.length
    notes.unshift(routingNote(routingAccuracy, routed.length))
    if (options.writeReport === false) return { ...result, routingAccuracy }
    const { reportPath, verdict } = writeRunOutputs(options.outputDir, result.results, {
      dataset: 'mmlu-pro (bundled sample, 84 questions written by this project)',
      simulated: !options.real,
      notes,
      title: options.real
        ? 'semantic-router quickstart'
        : 'semantic-router quickstart (SIMULATED models)',
      settings: {
        samples_per_category: options.samplesPerCategory,
        concurrency: options.concurrency,
        seed: options.seed,
      },
    })
    for (const { summary } of result.results) {
      for (const [mode, b] of Object.entries(summary.by_mode)) {
        const cost = b.cost.priced
          ? `${b.cost.per_question.toPrecision(2)} ${b.cost.currency}/q`
          : ''
        out(
          `${`${summary.target} ${mode}`.padEnd(34)} accuracy ${(b.accuracy * 100).toFixed(1).padStart(5)}%  p50 ${b.latency.p50.toFixed(3)} s  ${b.avg_total_tokens.toFixed(0).padStart(4)} tok/q  ${cost}`,
        )
      }
    }
    out(
      `routing: ${(routingAccuracy * 100).toFixed(1)}% of questions put in their dataset category (what this measures: see the report)`,
    )
    if (verdict) out(`verdict${options.real ? '' : ' (simulated models)'}: ${verdict.text}`)
    out(`report: ${reportPath} (${((performance.now() - started) / 1000).toFixed(1)} s)`)
    return { ...result, routingAccuracy }
  } finally {
    await app.close()
    await fleet?.close()
  }
}
