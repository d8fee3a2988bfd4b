/** `semantic-router eval models`: run each configured model on a dataset, write model_scores. */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfigFile } from '../config/load.js'
import type { RouterConfig } from '../config/schema/index.js'
import { SAMPLE_DATASET, list } from './cli-run.js'
import { loadDataset, sampleQuestions } from './datasets/index.js'
import { applyScores, DEFAULT_RULE, scoreModels } from './eval-models.js'
import { writeRunOutputs } from './output.js'
import { Progress } from './progress.js'
import { directTarget } from './reasoning-modes.js'
import { plannedRequests, runBenchmark } from './runner.js'
import type { Target } from './types.js'

export const EVAL_MODELS_HELP = `Usage: semantic-router eval models --config <file> [options]

Runs every model of the config (or --models) on a dataset, per category, with reasoning off and —
when the model has a reasoning family — on; then writes categories[].model_scores (score =
accuracy of the chosen mode, use_reasoning by the rule below) into a copy of the config, keeping
its comments and every other setting. Dataset categories map to config categories by name or by
mmlu_categories.

use_reasoning is true when gain = accuracy(on) - accuracy(off) is at least --min-reasoning-gain
and at least --token-penalty x (completion-token ratio - 1). See docs/model-evaluation.md.

Options:
  -c, --config <file>           Router config to read (required).
  -o, --output <file>           Where to write the updated config (default <config>.evaluated.yaml).
      --in-place                Overwrite --config instead.
      --dataset <name>          mmlu-pro (default), arc, gpqa, gsm8k, jsonl.
      --data <path>             Dataset file or folder (default for mmlu-pro: the bundled sample).
      --samples-per-category <n> Default 10 (0 = all).
      --models <m,...>          Models to evaluate (default: every model_config entry).
      --endpoint <url|m=url>    Endpoint for all models, or one model (repeatable). Default: the
                                model's preferred endpoint from vllm_endpoints.
      --min-reasoning-gain <x>  Default ${DEFAULT_RULE.minGain}.
      --token-penalty <x>       Default ${DEFAULT_RULE.tokenPenalty} (accuracy per extra 1x tokens).
      --results-dir <dir>       Benchmark outputs (default results/model-eval).
      --concurrent-requests <n> Default 4.
      --max-tokens <n>          Default 2048.
      --timeout <seconds>       Default 120.
      --seed <n>                Default 42.
      --dry-run                 Print the scores; do not write a config.
  -h, --help`

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  output: { type: 'string', short: 'o' },
  'in-place': { type: 'boolean', default: false },
  dataset: { type: 'string', default: 'mmlu-pro' },
  data: { type: 'string' },
  'samples-per-category': { type: 'string', default: '10' },
  models: { type: 'string', multiple: true },
  endpoint: { type: 'string', multiple: true },
  'min-reasoning-gain': { type: 'string', default: String(DEFAULT_RULE.minGain) },
  'token-penalty': { type: 'string', default: String(DEFAULT_RULE.tokenPenalty) },
  'results-dir': { type: 'string', default: 'results/model-eval' },
  'concurrent-requests': { type: 'string', default: '4' },
  'max-tokens': { type: 'string', default: '2048' },
  timeout: { type: 'string', default: '120' },
  seed: { type: 'string', default: '42' },
  'dry-run': { type: 'boolean', default: false },
  'no-progress': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const

/** The model's preferred endpoint (highest weight) as a base URL. */
export function endpointFromConfig(config: RouterConfig, model: string): string | undefined {
  const names = config.model_config[model]?.preferred_endpoints ?? []
  const candidates = config.vllm_endpoints.filter((e) => names.includes(e.name))
  const pool = candidates.length > 0 ? candidates : names.length === 0 ? config.vllm_endpoints : []
  const best = [...pool].sort((a, b) => b.weight - a.weight)[0]
  if (!best) return undefined
  const host = best.address.includes(':') ? `[${best.address}]` : best.address
  return `${best.protocol}://${host}:${best.port}/v1`
}

function num(raw: string, name: string, min = 0): number {
  const n = Number(raw)
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}`)
  return n
}

export async function runEvalModels(argv: readonly string[]): Promise<number> {
  let v
  try {
    v = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: false }).values
  } catch (err) {
    process.stderr.write(`eval models: ${(err as Error).message}\n`)
    return 2
  }
  if (v.help) {
    process.stdout.write(`${EVAL_MODELS_HELP}\n`)
    return 0
  }
  try {
    return await evaluate(v)
  } catch (err) {
    process.stderr.write(`eval models: ${(err as Error).message}\n`)
    return 2
  }
}

async function evaluate(
  v: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'],
): Promise<number> {
  if (v.config === undefined) throw new Error('--config is required')
  const text = readFileSync(v.config, 'utf8')
  const { config } = await loadConfigFile(v.config)
  const seed = num(v.seed, 'seed')
  const dataPath = v.data ?? (/^mmlu/i.test(v.dataset) ? SAMPLE_DATASET : undefined)
  if (dataPath === undefined) throw new Error(`--data is required for dataset ${v.dataset}`)
  const dataset = await loadDataset(v.dataset, dataPath, { seed })
  const questions = sampleQuestions(dataset.questions, {
    perCategory: num(v['samples-per-category'], 'samples-per-category'),
    seed,
  })
  const models = list(v.models).length > 0 ? list(v.models) : Object.keys(config.model_config)
  if (models.length === 0)
    throw new Error('no models: the config has no model_config and --models is empty')
  const endpoints = list(v.endpoint)
  const shared = endpoints.find((e) => !/^[^:/]+=/.test(e))
  const families = {
    modelFamilies: Object.fromEntries(
      Object.entries(config.model_config).map(([m, p]) => [m, p.reasoning_family]),
    ),
    families: config.reasoning_families,
  }
  const targets: Target[] = models.map((model) => {
    const endpoint =
      endpoints.find((e) => e.startsWith(`${model}=`))?.slice(model.length + 1) ??
      shared ??
      endpointFromConfig(config, model)
    if (endpoint === undefined)
      throw new Error(`no endpoint for ${model}: give --endpoint or preferred_endpoints`)
    return directTarget(model, endpoint, families)
  })
  const runOptions = {
    targets,
    questions,
    dataset: v.dataset,
    outputDir: v['results-dir'],
    concurrency: num(v['concurrent-requests'], 'concurrent-requests', 1),
    maxTokens: num(v['max-tokens'], 'max-tokens', 1),
    temperature: 0,
    seed,
    timeoutMs: num(v.timeout, 'timeout', 0.001) * 1000,
    stream: false,
    pricing: Object.fromEntries(
      Object.entries(config.model_config).flatMap(([m, p]) => (p.pricing ? [[m, p.pricing]] : [])),
    ),
    families,
    log: (line: string) => process.stderr.write(`${line}\n`),
  }
  const progress = v['no-progress'] ? undefined : new Progress(plannedRequests(runOptions))
  const run = await runBenchmark({ ...runOptions, ...(progress ? { progress } : {}) })
  progress?.finish()
  writeRunOutputs(v['results-dir'], run.results, {
    dataset: v.dataset,
    simulated: false,
    notes: [],
    title: 'semantic-router model evaluation',
    settings: {},
  })
  if (run.interrupted) throw new Error('evaluation interrupted; config not written')
  const rule = {
    minGain: num(v['min-reasoning-gain'], 'min-reasoning-gain'),
    tokenPenalty: num(v['token-penalty'], 'token-penalty'),
  }
  const scored = scoreModels(
    run.results.flatMap((r) => r.rows),
    config,
    rule,
  )
  const report = { rule, dataset: v.dataset, ...scored }
  writeFileSync(join(v['results-dir'], 'model_scores.json'), `${JSON.stringify(report, null, 2)}\n`)
  for (const [category, entries] of Object.entries(scored.results)) {
    process.stdout.write(`${category}:\n`)
    for (const e of entries)
      process.stdout.write(
        `  ${e.model.padEnd(24)} score ${e.score.toFixed(2)} use_reasoning ${String(e.use_reasoning).padEnd(5)} (${e.why})\n`,
      )
  }
  if (scored.unmappedDatasetCategories.length > 0)
    process.stderr.write(
      `dataset categories with no config category (ignored): ${scored.unmappedDatasetCategories.join(', ')}\n`,
    )
  if (scored.categoriesWithoutData.length > 0)
    process.stderr.write(
      `config categories without data (left unchanged): ${scored.categoriesWithoutData.join(', ')}\n`,
    )
  if (Object.keys(scored.results).length === 0)
    throw new Error('no dataset category matches a config category (by name or mmlu_categories)')
  if (v['dry-run']) return 0
  const output = v['in-place']
    ? v.config
    : (v.output ?? v.config.replace(/(\.ya?ml)?$/, '.evaluated.yaml'))
  writeFileSync(output, applyScores(text, scored.results))
  process.stdout.write(
    `wrote ${output} (details: ${join(v['results-dir'], 'model_scores.json')})\n`,
  )
  return 0
}
