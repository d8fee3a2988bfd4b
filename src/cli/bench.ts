/** `semantic-router bench …`: benchmark runs, dataset listing, report regeneration. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { RUN_HELP, RUN_OPTIONS, executeRun, setupRun } from '../bench/cli-run.js'
import { DATASETS } from '../bench/datasets/index.js'
import { writeRunOutputs } from '../bench/output.js'
import { QUICKSTART_DIR, runQuickstart } from '../bench/quickstart.js'
import type { TargetResult } from '../bench/runner.js'
import type { Summary } from '../bench/summary.js'
import { EXIT, type CliCommand } from './types.js'

const HELP = `Usage: semantic-router bench <subcommand> [options]

Subcommands:
  run             Benchmark the router and/or models directly on a dataset (default)
  list-datasets   Dataset layouts the loaders read
  quickstart      Simulated models + the router + direct baselines on the sample set → report
  report <dir>    Rebuild report.html and comparison.json from a results folder

Run 'semantic-router bench run --help' for the benchmark options. bench/run_bench.sh wraps
'bench run' with upstream's environment variables.`

async function run(argv: readonly string[]): Promise<number> {
  let values
  try {
    values = parseArgs({ args: [...argv], options: RUN_OPTIONS, allowPositionals: false }).values
  } catch (err) {
    process.stderr.write(`bench run: ${(err as Error).message}\n`)
    return EXIT.usage
  }
  if (values.help) {
    process.stdout.write(`${RUN_HELP}\n`)
    return EXIT.ok
  }
  let setup
  try {
    setup = await setupRun(values)
  } catch (err) {
    process.stderr.write(`bench run: ${(err as Error).message}\n`)
    return EXIT.usage
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
  let v
  try {
    v = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', default: join(QUICKSTART_DIR, 'config.yaml') },
        profiles: { type: 'string', default: join(QUICKSTART_DIR, 'simulated-models.yaml') },
        real: { type: 'boolean', default: false },
        'output-dir': { type: 'string', default: 'results/quickstart' },
        'samples-per-category': { type: 'string', default: '0' },
        'concurrent-requests': { type: 'string', default: '8' },
        seed: { type: 'string', default: '42' },
        'no-progress': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values
  } catch (err) {
    process.stderr.write(`bench quickstart: ${(err as Error).message}\n`)
    return EXIT.usage
  }
  if (v.help) {
    process.stdout.write(`${QUICKSTART_HELP}\n`)
    return EXIT.ok
  }
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
    process.stderr.write(`bench quickstart: ${(err as Error).message}\n`)
    return EXIT.failure
  } finally {
    process.off('SIGINT', onSignal)
  }
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
      default:
        if (sub.startsWith('-')) return run(argv)
        process.stderr.write(`bench: unknown subcommand ${sub}\n\n${HELP}\n`)
        return EXIT.usage
    }
  },
}
