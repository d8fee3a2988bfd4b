/**
 * `semantic-router eval <subject>`: accuracy of the embedded classifiers on the project's labelled
 * sets. Subjects are registered in EVAL_SUBJECTS (one line each).
 */
import { runEvalModels } from '../bench/eval-models-cli.js'
import { buildGuardsReport, formatGuardsReport } from '../eval/guards/report.js'
import { evaluateCategory, formatCategoryReport } from '../eval/category.js'
import { evaluateCache, formatCacheReport } from '../eval/cache.js'
import { evaluateEmbedding, formatEmbeddingReport } from '../eval/embedding.js'
import { runCardEvaluations } from '../eval/cards/run.js'
import { parseCommandArgs, usageError } from './args.js'
import { EXIT, type CliCommand } from './types.js'

interface EvalOptions {
  readonly json: boolean
  readonly threshold?: number
  /** A model folder to evaluate instead of the embedded default (category, embedding). */
  readonly model?: string
  /** A config file whose settings to evaluate at (cache). */
  readonly config?: string
  /** `all`: write the tables into the data cards and record the figures. */
  readonly write?: boolean
}

/** Subject name → runner printing its report; resolves to an exit code. */
export const EVAL_SUBJECTS: Record<string, (options: EvalOptions) => Promise<number>> = {
  /** Every embedded model on its test split (src/eval/cards); the default subject. */
  async all({ json, write }) {
    const runs = await runCardEvaluations({ write: write === true })
    if (json) process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`)
    else
      for (const r of runs)
        process.stdout.write(
          `## ${r.name}\n\n${r.report.markdown}\n\n${r.regressions.map((m) => `REGRESSION ${m}\n`).join('')}\n`,
        )
    const failed = runs.flatMap((r) => r.regressions)
    if (failed.length > 0)
      process.stderr.write(
        `semantic-router eval: ${failed.length} figure(s) below the recorded ones (training/eval-recorded.json)\n`,
      )
    return failed.length > 0 ? EXIT.failure : EXIT.ok
  },
  async guards({ json, threshold }) {
    const report = await buildGuardsReport(threshold ?? 0.7, threshold ?? 0.7)
    process.stdout.write(
      json ? `${JSON.stringify(report, null, 2)}\n` : `${formatGuardsReport(report)}\n`,
    )
    return EXIT.ok
  },
  async category({ json, model }) {
    const report = await evaluateCategory(model)
    process.stdout.write(
      json ? `${JSON.stringify(report, null, 2)}\n` : `${formatCategoryReport(report, true)}\n`,
    )
    return EXIT.ok
  },
  async embedding({ json, model }) {
    const report = await evaluateEmbedding(model)
    process.stdout.write(
      json ? `${JSON.stringify(report, null, 2)}\n` : `${formatEmbeddingReport(report)}\n`,
    )
    return EXIT.ok
  },
  async cache({ json, threshold, config }) {
    const report = await evaluateCache({
      ...(config === undefined ? {} : { config }),
      ...(threshold === undefined ? {} : { threshold }),
    })
    process.stdout.write(
      json ? `${JSON.stringify(report, null, 2)}\n` : `${formatCacheReport(report)}\n`,
    )
    return EXIT.ok
  },
}

const HELP = `Usage: semantic-router eval [<subject>] [--json] [--write] [--threshold <t>] [--model <folder>] [--config <file>]

Evaluates embedded classifiers on the project's labelled sets (training/data/) and prints the
report: held-out accuracy, development-set accuracy and, for guards, evasion robustness.
Without a subject (or with "all"), every embedded model is evaluated on its test split and
compared with the figures recorded in training/eval-recorded.json (exit 1 if one fell below).

Subjects: ${Object.keys(EVAL_SUBJECTS).join(', ')}, models (model evaluation → config
model_scores; 'semantic-router eval models --help')

Options:
  --json              Print the full report as JSON.
  -t, --threshold <t> Decision threshold (default: the config defaults, 0.7; cache: the
                      similarity threshold, default the config's).
  -m, --model <dir>   Evaluate this Hugging Face model folder instead of the embedded default
                      (category, embedding).
  -c, --config <file> Evaluate at this config's settings (cache; default: built-in defaults).
  --write             (all) Write each table into the model's data card and record the figures.
  -h, --help          Show this help.`

export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'Accuracy of the embedded classifiers on the held-out sets',
  help: HELP,
  async run(argv) {
    // `eval models` has its own options (it runs models against endpoints): see src/bench.
    if (argv[0] === 'models') return runEvalModels(argv.slice(1))
    const parsed = parseCommandArgs(
      {
        name: 'eval',
        help: HELP,
        positionals: true,
        options: {
          json: { type: 'boolean', default: false },
          threshold: { type: 'string', short: 't' },
          model: { type: 'string', short: 'm' },
          config: { type: 'string', short: 'c' },
          write: { type: 'boolean', default: false },
        },
      },
      argv,
    )
    if (typeof parsed === 'number') return parsed
    const subject = parsed.positionals[0] ?? 'all'
    const run = EVAL_SUBJECTS[subject]
    if (!run)
      return usageError(
        'eval',
        `unknown subject ${subject}: one of ${Object.keys(EVAL_SUBJECTS).join(', ')}, models`,
      )
    const threshold =
      parsed.values.threshold === undefined ? undefined : Number(parsed.values.threshold)
    if (threshold !== undefined && !(threshold >= 0 && threshold <= 1))
      return usageError(
        'eval',
        `--threshold must be between 0 and 1, got ${parsed.values.threshold}`,
      )
    return run({
      json: parsed.values.json,
      write: parsed.values.write,
      ...(threshold === undefined ? {} : { threshold }),
      ...(parsed.values.model === undefined ? {} : { model: parsed.values.model }),
      ...(parsed.values.config === undefined ? {} : { config: parsed.values.config }),
    })
  },
}
