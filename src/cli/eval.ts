/**
 * `semantic-router eval <subject>`: accuracy of the embedded classifiers on the project's labelled
 * sets. Subjects are registered in EVAL_SUBJECTS (one line each).
 */
import { runEvalModels } from '../bench/eval-models-cli.js'
import { buildGuardsReport, formatGuardsReport } from '../eval/guards/report.js'
import { evaluateCategory, formatCategoryReport } from '../eval/category.js'
import { evaluateCache, formatCacheReport } from '../eval/cache.js'
import { evaluateEmbedding, formatEmbeddingReport } from '../eval/embedding.js'
import { parseCommandArgs, usageError } from './args.js'
import { EXIT, type CliCommand } from './types.js'

interface EvalOptions {
  readonly json: boolean
  readonly threshold?: number
  /** A model folder to evaluate instead of the embedded default (category, embedding). */
  readonly model?: string
  /** A config file whose settings to evaluate at (cache). */
  readonly config?: string
}

/** Subject name → runner printing its report; resolves to an exit code. */
export const EVAL_SUBJECTS: Record<string, (options: EvalOptions) => Promise<number>> = {
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

const HELP = `Usage: semantic-router eval <subject> [--json] [--threshold <t>] [--model <folder>] [--config <file>]

Evaluates embedded classifiers on the project's labelled sets (training/data/) and prints the
report: held-out accuracy, development-set accuracy and, for guards, evasion robustness.

Subjects: ${Object.keys(EVAL_SUBJECTS).join(', ')}, models (model evaluation → config
model_scores; 'semantic-router eval models --help')

Options:
  --json              Print the full report as JSON.
  -t, --threshold <t> Decision threshold (default: the config defaults, 0.7; cache: the
                      similarity threshold, default the config's).
  -m, --model <dir>   Evaluate this Hugging Face model folder instead of the embedded default
                      (category, embedding).
  -c, --config <file> Evaluate at this config's settings (cache; default: built-in defaults).
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
        },
      },
      argv,
    )
    if (typeof parsed === 'number') return parsed
    const subject = parsed.positionals[0]
    const run = subject === undefined ? undefined : EVAL_SUBJECTS[subject]
    if (!run)
      return usageError(
        'eval',
        `${subject === undefined ? 'no subject' : `unknown subject ${subject}`}: one of ${Object.keys(EVAL_SUBJECTS).join(', ')}, models`,
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
      ...(threshold === undefined ? {} : { threshold }),
      ...(parsed.values.model === undefined ? {} : { model: parsed.values.model }),
      ...(parsed.values.config === undefined ? {} : { config: parsed.values.config }),
    })
  },
}
