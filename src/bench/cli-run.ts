/** `semantic-router bench run`: flags (upstream's names) → targets → run → outputs. */
import { join } from 'node:path'
import type { parseArgs } from 'node:util'
import { loadDataset, sampleQuestions, type Question } from './datasets/index.js'
import { writeRunOutputs } from './output.js'
import { Progress } from './progress.js'
import { loadRouterContext, parsePricingFlag } from './router-config.js'
import { plannedRequests, runBenchmark, type RunResult } from './runner.js'
import type { FamilySources } from './reasoning-modes.js'
import { MODE_LABELS, type ModeId, type Pricing, type Target } from './types.js'

export const SAMPLE_DATASET = join(
  import.meta.dirname,
  '..',
  '..',
  'bench',
  'datasets',
  'sample-mmlu-pro.jsonl',
)

export const RUN_HELP = `Usage: semantic-router bench run [options]

Measures accuracy, latency, tokens and cost per category: through the router (model "auto") and/or
directly against models, with reasoning off and on. Writes <output-dir>/<run>/detailed_results.csv
and summary.json per run, plus comparison.json and report.html. Ctrl-C stops early and keeps what
was measured.

Dataset:
  --dataset <name>              mmlu-pro (default), arc, gpqa, gsm8k, jsonl
  --data <path>                 File or folder (JSON, JSONL, Parquet, CSV; a Hugging Face snapshot
                                folder works). Default for mmlu-pro: the bundled sample set.
  --split <name>                Split to read from a folder (default test).
  --categories <a,b>            Only these categories.
  --samples-per-category <n>    Questions per category (default 5; 0 = all).
  --seed <n>                    Sampling and request seed (default 42).

Router:
  --run-router                  Benchmark the router (default when no --vllm-models are given).
  --router-endpoint <url>       Default http://127.0.0.1:8801/v1.
  --router-api-key <key>        Default $ROUTER_API_KEY.
  --router-models <m,...>       Default auto.

Direct models:
  --run-vllm                    Benchmark models directly (default when --vllm-models are given).
  --vllm-endpoint <url>         Default http://127.0.0.1:8000/v1. May be model=url to give a model its own.
  --vllm-api-key <key>          Default $VLLM_API_KEY.
  --vllm-models <m,...>         Models to call directly.
  --vllm-exec-modes <m,...>     NR (reasoning off), NR_REASONING (reasoning on), XC (chain-of-thought
                                prompt). Default NR,NR_REASONING.
  --reasoning-family <m=fam>    Family for a model whose name does not say (qwen3, deepseek, gpt-oss).

Requests:
  --concurrent-requests <n>     In flight at once (default 4).
  --max-tokens <n>              Default 2048.
  --temperature <x>             Default 0.
  --timeout <seconds>           Per request (default 120); a timeout is counted as an error.
  --stream                      Stream responses (measures time to first token).
  --ar-extra-body <json>        Extra fields merged into every request body.

Cost and output:
  --config <file>               Router config: prices (model_config.pricing) and reasoning families.
  --pricing <m=p:c[:CUR]>       Price per 1M prompt/completion tokens for a model (repeatable).
  --output-dir <dir>            Default results/reasonbench.
  --title <text>                Report title.
  --simulated                   Label the report as simulated (the endpoints are the simulator).
  --no-progress                 No progress output.
  -h, --help`

export const RUN_OPTIONS = {
  dataset: { type: 'string', default: 'mmlu-pro' },
  data: { type: 'string' },
  split: { type: 'string' },
  categories: { type: 'string', multiple: true },
  'samples-per-category': { type: 'string', default: '5' },
  seed: { type: 'string', default: '42' },
  'run-router': { type: 'boolean', default: false },
  'router-endpoint': { type: 'string', default: 'http://127.0.0.1:8801/v1' },
  'router-api-key': { type: 'string' },
  'router-models': { type: 'string', multiple: true },
  'run-vllm': { type: 'boolean', default: false },
  'vllm-endpoint': { type: 'string', multiple: true },
  'vllm-api-key': { type: 'string' },
  'vllm-models': { type: 'string', multiple: true },
  'vllm-exec-modes': { type: 'string', multiple: true },
  'reasoning-family': { type: 'string', multiple: true },
  'concurrent-requests': { type: 'string', default: '4' },
  'max-tokens': { type: 'string', default: '2048' },
  temperature: { type: 'string', default: '0' },
  timeout: { type: 'string', default: '120' },
  stream: { type: 'boolean', default: false },
  'ar-extra-body': { type: 'string' },
  config: { type: 'string' },
  pricing: { type: 'string', multiple: true },
  'output-dir': { type: 'string', default: 'results/reasonbench' },
  title: { type: 'string' },
  simulated: { type: 'boolean', default: false },
  'no-progress': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const

type Values = ReturnType<typeof parseArgs<{ options: typeof RUN_OPTIONS }>>['values']

/** Comma- or space-separated lists, repeated or not. */
export function list(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(/[,\s]+/)).filter(Boolean)
}

function number(values: Values, name: keyof Values, min = 0): number {
  const raw = values[name]
  const n = Number(raw)
  if (typeof raw !== 'string' || !Number.isFinite(n) || n < min)
    throw new Error(`--${name} must be a number ≥ ${min}, got "${String(raw)}"`)
  return n
}

const MODE_ALIASES: Record<string, ModeId> = {
  nr: 'NR',
  off: 'NR',
  nr_reasoning: 'NR_REASONING',
  on: 'NR_REASONING',
  reasoning: 'NR_REASONING',
  xc: 'XC',
  cot: 'XC',
}

export function parseModes(values: readonly string[] | undefined): ModeId[] {
  const raw = list(values)
  if (raw.length === 0) return ['NR', 'NR_REASONING']
  return raw.map((m) => {
    const mode = MODE_ALIASES[m.toLowerCase()]
    if (!mode) throw new Error(`unknown exec mode "${m}" (use NR, NR_REASONING, XC)`)
    return mode
  })
}

export interface RunSetup {
  readonly targets: Target[]
  readonly questions: Question[]
  readonly skipped: readonly string[]
  readonly pricing: Record<string, Pricing>
  readonly families: FamilySources
}

/** Everything a run needs, from flags; throws with a user-facing message on bad input. */
export async function setupRun(values: Values): Promise<RunSetup> {
  const dataPath = values.data ?? (/^mmlu/i.test(values.dataset) ? SAMPLE_DATASET : undefined)
  if (dataPath === undefined) throw new Error(`--data is required for dataset ${values.dataset}`)
  const seed = number(values, 'seed')
  const loaded = await loadDataset(values.dataset, dataPath, {
    seed,
    ...(values.split ? { split: values.split } : {}),
  })
  const questions = sampleQuestions(loaded.questions, {
    perCategory: number(values, 'samples-per-category'),
    categories: list(values.categories),
    seed,
  })
  const context = values.config
    ? await loadRouterContext(values.config)
    : { pricing: {}, families: {} }
  const pricing: Record<string, Pricing> = { ...context.pricing }
  for (const spec of values.pricing ?? []) {
    const [model, price] = parsePricingFlag(spec)
    pricing[model] = price
  }
  const modelFamilies: Record<string, string> = { ...context.families.modelFamilies }
  for (const spec of list(values['reasoning-family'])) {
    const [model, family] = spec.split('=')
    if (!model || !family) throw new Error(`--reasoning-family expects model=family, got "${spec}"`)
    modelFamilies[model] = family
  }
  const vllmModels = list(values['vllm-models'])
  const runVllm = values['run-vllm'] || vllmModels.length > 0
  const runRouter = values['run-router'] || !runVllm
  if (values['run-vllm'] && vllmModels.length === 0)
    throw new Error('--run-vllm needs --vllm-models')
  const endpoints = list(values['vllm-endpoint'])
  const defaultEndpoint = endpoints.find((e) => !/^[^:/]+=/.test(e)) ?? 'http://127.0.0.1:8000/v1'
  const endpointFor = (model: string) =>
    endpoints.find((e) => e.startsWith(`${model}=`))?.slice(model.length + 1) ?? defaultEndpoint
  const modes = parseModes(values['vllm-exec-modes'])
  const targets: Target[] = []
  if (runRouter) {
    const models = list(values['router-models'])
    for (const model of models.length > 0 ? models : ['auto']) {
      targets.push({
        id: `router::${model}`,
        kind: 'router',
        endpoint: values['router-endpoint'],
        apiKey: values['router-api-key'] ?? process.env['ROUTER_API_KEY'],
        model,
        modes: ['router'],
      })
    }
  }
  if (runVllm) {
    for (const model of vllmModels) {
      targets.push({
        id: `vllm::${model}`,
        kind: 'direct',
        endpoint: endpointFor(model),
        apiKey: values['vllm-api-key'] ?? process.env['VLLM_API_KEY'],
        model,
        modes,
      })
    }
  }
  return {
    targets,
    questions,
    skipped: loaded.skipped,
    pricing,
    families: { ...context.families, modelFamilies },
  }
}

function printTable(result: RunResult, out: (s: string) => void): void {
  out('\nrun · mode                                  questions  accuracy  p50 s   tokens/q  errors')
  for (const { summary } of result.results) {
    for (const [mode, b] of Object.entries(summary.by_mode)) {
      const name = `${summary.target} · ${MODE_LABELS[mode as ModeId] ?? mode}`
        .padEnd(44)
        .slice(0, 44)
      const errors =
        Object.entries(summary.error_distribution)
          .map(([k, v]) => `${k}:${v}`)
          .join(' ') || '-'
      out(
        `${name}${String(b.questions).padStart(9)}  ${(b.accuracy * 100).toFixed(1).padStart(7)}%  ${b.latency.p50.toFixed(3).padStart(6)}  ${b.avg_total_tokens.toFixed(0).padStart(8)}  ${mode === Object.keys(summary.by_mode)[0] ? errors : ''}`,
      )
    }
  }
}

export async function executeRun(
  values: Values,
  setup: RunSetup,
  signal: AbortSignal,
): Promise<RunResult> {
  const out = (s: string) => process.stdout.write(`${s}\n`)
  const notes: string[] = []
  const log = (line: string) => {
    notes.push(line)
    process.stderr.write(`${line}\n`)
  }
  if (setup.skipped.length > 0)
    log(`dataset: skipped ${setup.skipped.length} unusable records (first: ${setup.skipped[0]})`)
  const runOptions = {
    targets: setup.targets,
    questions: setup.questions,
    dataset: values.dataset,
    outputDir: values['output-dir'],
    concurrency: number(values, 'concurrent-requests', 1),
    maxTokens: number(values, 'max-tokens', 1),
    temperature: number(values, 'temperature'),
    seed: number(values, 'seed'),
    timeoutMs: number(values, 'timeout', 0.001) * 1000,
    stream: values.stream,
    pricing: setup.pricing,
    families: setup.families,
    signal,
    log,
    ...(values['ar-extra-body']
      ? { extraBody: JSON.parse(values['ar-extra-body']) as Record<string, unknown> }
      : {}),
  }
  const total = plannedRequests(runOptions)
  const progress = values['no-progress'] ? undefined : new Progress(total)
  out(
    `bench: ${setup.questions.length} questions × ${setup.targets.length} run(s) = ${total} requests → ${values['output-dir']}`,
  )
  const result = await runBenchmark({ ...runOptions, ...(progress ? { progress } : {}) })
  progress?.finish()
  const { reportPath, verdict } = writeRunOutputs(values['output-dir'], result.results, {
    dataset: values.dataset,
    simulated: values.simulated,
    notes,
    ...(values.title ? { title: values.title } : {}),
    settings: {
      concurrency: runOptions.concurrency,
      max_tokens: runOptions.maxTokens,
      temperature: runOptions.temperature,
      seed: runOptions.seed,
      samples_per_category: values['samples-per-category'],
    },
  })
  printTable(result, out)
  if (verdict) out(`\nverdict${values.simulated ? ' (simulated models)' : ''}: ${verdict.text}`)
  out(
    `\n${result.interrupted ? 'interrupted; partial results' : 'results'} in ${values['output-dir']} (report: ${reportPath})`,
  )
  return result
}
