/** `semantic-router bench …`: benchmark runs, dataset listing, report regeneration. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { arch, cpus, platform } from 'node:os'
import { dirname } from 'node:path'
import { join } from 'node:path'
import { RUN_HELP, RUN_OPTIONS, executeRun, setupRun } from '../bench/cli-run.js'
import { DATASETS } from '../bench/datasets/index.js'
import { writeRunOutputs } from '../bench/output.js'
import { PERF_DIR, gate, loadThresholds, runPerfSuite } from '../bench/perf.js'
import { QUICKSTART_DIR, runQuickstart } from '../bench/quickstart.js'
import type { TargetResult } from '../bench/runner.js'
import type { Summary } from '../bench/summary.js'
import { commandFailed, parseCommandArgs, usageError } from './args.js'
import { EXIT, type CliCommand } from './types.js'

const HELP = `Usage: semantic-router bench <subcommand> [options]

Subcommands:
  run             Benchmark the router and/or models directly on a dataset (default)
  list-datasets   Dataset layouts the loaders read
  perf            Performance test suite: deterministic figures gate against the baseline
  quickstart      Simulated models + the router + direct baselines on the sample set → report
  report <dir>    Rebuild report.html and comparison.json from a results folder

Run 'semantic-router bench run --help' for the benchmark options. bench/run_bench.sh wraps
'bench run' with upstream's environment variables.`

async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandArgs({ name: 'bench run', help: RUN_HELP, options: RUN_OPTIONS }, argv)
  if (typeof parsed === 'number') return parsed
  const values = parsed.values
  let setup
  try {
    setup = await setupRun(values)
  } catch (err) {
    return usageError('bench run', (err as Error).message)
  }
  const controller = new AbortController()
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130)
    process.stderr.write('\nstopping: writing partial results (Ctrl-C again to quit at once)\n')
    controller.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    const result = await executeRun(values, setup, controller.signal)
    return result.interrupted ? 130 : EXIT.ok
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

const QUICKSTART_HELP = `Usage: semantic-router bench quickstart [options]

Starts SIMULATED models (accuracy per category and reasoning behaviour from --profiles), starts
the router with --config, benchmarks the router ("auto") and every model directly (reasoning off
and on) on the bundled 84-question sample set, and writes <output-dir>/report.html.
With --real, the config's own endpoints are used and nothing is simulated.

Options:
  --config <file>               Router config (default bench/quickstart/config.yaml).
  --profiles <file>             Simulated model profiles (default bench/quickstart/simulated-models.yaml).
  --real                        Use the config's endpoints (real vLLM servers); no simulator.
  --output-dir <dir>            Default results/quickstart.
  --samples-per-category <n>    Default 0 (all 6 per category).
  --concurrent-requests <n>     Default 8.
  --seed <n>                    Default 42.
  --no-progress
  -h, --help`

async function quickstart(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      name: 'bench quickstart',
      help: QUICKSTART_HELP,
      options: {
        config: { type: 'string', default: join(QUICKSTART_DIR, 'config.yaml') },
        profiles: { type: 'string', default: join(QUICKSTART_DIR, 'simulated-models.yaml') },
        real: { type: 'boolean', default: false },
        'output-dir': { type: 'string', default: 'results/quickstart' },
        'samples-per-category': { type: 'string', default: '0' },
        'concurrent-requests': { type: 'string', default: '8' },
        seed: { type: 'string', default: '42' },
        'no-progress': { type: 'boolean', default: false },
      },
    },
    argv,
  )
  if (typeof parsed === 'number') return parsed
  const v = parsed.values
  const controller = new AbortController()
  const onSignal = () => (controller.signal.aborted ? process.exit(130) : controller.abort())
  process.on('SIGINT', onSignal)
  try {
    const result = await runQuickstart({
      config: v.config,
      profiles: v.profiles,
      real: v.real,
      outputDir: v['output-dir'],
      samplesPerCategory: Number(v['samples-per-category']),
      concurrency: Math.max(1, Number(v['concurrent-requests'])),
      seed: Number(v.seed),
      progress: !v['no-progress'],
      signal: controller.signal,
      out: (line) => process.stdout.write(`${line}\n`),
    })
    return result.interrupted ? 130 : EXIT.ok
  } catch (err) {
    return commandFailed('bench quickstart', err)
  } finally {
    process.off('SIGINT', onSignal)
  }
}

const PERF_HELP = `Usage: semantic-router bench perf [options]

Runs the fixed performance suite: routing accuracy on the sample set through the router (simulated
models), jailbreak and PII detection on their test vectors, and latency figures. Deterministic
figures are compared with the baseline within the thresholds (exit 1 on a regression); timing
figures are reported only.

Options:
  --thresholds <file>   Default bench/perf/thresholds.yaml.
  --baseline <file>     Default bench/perf/baseline.json.
  --output <file>       Also write the figures and verdicts here (JSON).
  --update-baseline     Write the measured deterministic figures as the new baseline.
  -h, --help`

async function perf(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      name: 'bench perf',
      help: PERF_HELP,
      options: {
        thresholds: { type: 'string', default: join(PERF_DIR, 'thresholds.yaml') },
        baseline: { type: 'string', default: join(PERF_DIR, 'baseline.json') },
        output: { type: 'string' },
        'update-baseline': { type: 'boolean', default: false },
      },
    },
    argv,
  )
  if (typeof parsed === 'number') return parsed
  const v = parsed.values
  const thresholds = loadThresholds(v.thresholds)
  const figures = await runPerfSuite()
  const machine = {
    platform: platform(),
    arch: arch(),
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? '',
    node: process.version,
  }
  if (v['update-baseline']) {
    const baseline = {
      generated_at: new Date().toISOString(),
      machine,
      figures: figures.deterministic,
    }
    writeFileSync(v.baseline, `${JSON.stringify(baseline, null, 2)}\n`)
    process.stdout.write(`baseline written to ${v.baseline}\n`)
  }
  const baseline = (
    JSON.parse(readFileSync(v.baseline, 'utf8')) as { figures: Record<string, number> }
  ).figures
  const rows = gate(figures.deterministic, baseline, thresholds)
  const result = {
    date: new Date().toISOString(),
    machine,
    passed: rows.every((r) => r.ok),
    gates: rows,
    timing: figures.timing,
  }
  if (v.output) {
    mkdirSync(dirname(v.output), { recursive: true })
    writeFileSync(v.output, `${JSON.stringify(result, null, 2)}\n`)
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  for (const r of rows)
    if (!r.ok) process.stderr.write(`REGRESSION ${r.metric}: ${r.value} (${r.why})\n`)
  return result.passed ? EXIT.ok : EXIT.failure
}

function report(argv: readonly string[]): number {
  const dir = argv[0]
  if (dir === undefined || dir === '--help' || dir === '-h') {
    process.stdout.write('Usage: semantic-router bench report <results-dir> [--simulated]\n')
    return dir === undefined ? EXIT.usage : EXIT.ok
  }
  const results: TargetResult[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    try {
      const summary = JSON.parse(
        readFileSync(join(dir, entry.name, 'summary.json'), 'utf8'),
      ) as Summary
      results.push({
        target: {
          id: summary.target,
          kind: summary.kind,
          endpoint: summary.endpoint,
          model: summary.model,
          modes: [],
        },
        dir: join(dir, entry.name),
        rows: [],
        summary,
      })
    } catch {
      // not a run folder
    }
  }
  if (results.length === 0) {
    process.stderr.write(`bench report: no <run>/summary.json under ${dir}\n`)
    return EXIT.failure
  }
  const { reportPath } = writeRunOutputs(dir, results, {
    dataset: results[0]!.summary.dataset,
    simulated: argv.includes('--simulated'),
    notes: [],
    settings: {},
  })
  process.stdout.write(`report: ${reportPath}\n`)
  return EXIT.ok
}

export const benchCommand: CliCommand = {
  name: 'bench',
  summary: 'Benchmark accuracy, latency, tokens and cost: router versus direct models',
  help: HELP,
  async run(argv) {
    const [sub, ...rest] = argv
    switch (sub) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(`${HELP}\n`)
        return sub === undefined ? EXIT.usage : EXIT.ok
      case 'run':
        return run(rest)
      case 'list-datasets':
        for (const [name, spec] of Object.entries(DATASETS))
          process.stdout.write(`${name.padEnd(10)} ${spec.description}\n`)
        return EXIT.ok
      case 'report':
        return report(rest)
      case 'quickstart':
        return quickstart(rest)
      case 'perf':
        return perf(rest)
      default:
        if (sub.startsWith('-')) return run(argv)
        return usageError('bench', `unknown subcommand ${sub}`)
    }
  },
}
