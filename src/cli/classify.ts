/**
 * `semantic-router classify`: run one text through the router's pipeline, exactly as an `auto`
 * request would go, and print the routing decision as JSON (category, confidence, classifier,
 * selected model, reasoning, endpoint). Nothing is sent upstream.
 */
import { readFileSync } from 'node:fs'
import { loadRouterConfig } from '../assembly/load-config.js'
import { createLogger, silentLogger } from '../log.js'
import { RouterMetrics } from '../metrics/router-metrics.js'
import { describeOutcome, previewRequest } from '../pipeline/preview.js'
import { buildRuntime } from '../assembly/build-runtime.js'
import { commandFailed, parseCommandArgs, usageError } from './args.js'
import { EXIT, type CliCommand } from './types.js'

const HELP = `Usage: semantic-router classify [--config <file>] [--model <name>] [<text>...]

Classifies a prompt with the configured classifier chain and prints the routing decision the
router would make for it, as JSON: category, confidence, which classifier decided, selected model,
reasoning mode and effort, endpoint, and whether a system prompt would be injected. The text is
taken from the arguments, or read from standard input when there are none. Nothing is sent to any
endpoint.

Options:
  -c, --config <file>   Config file (default: config/config.yaml).
  -m, --model <name>    Model named in the request (default: the config's auto_model_name).
  -v, --verbose         Print the router's logs to standard error.
  -h, --help            Show this help.

Examples:
  semantic-router classify "What is the derivative of x^2?"
  echo "Write a SQL query that joins two tables" | semantic-router classify -c my.yaml`

export const classifyCommand: CliCommand = {
  name: 'classify',
  summary: 'Print the routing decision for a text (no request is sent)',
  help: HELP,
  async run(argv) {
    const parsed = parseCommandArgs(
      {
        name: 'classify',
        help: HELP,
        positionals: true,
        options: {
          config: { type: 'string', short: 'c', default: 'config/config.yaml' },
          model: { type: 'string', short: 'm' },
          verbose: { type: 'boolean', short: 'v', default: false },
        },
      },
      argv,
    )
    if (typeof parsed === 'number') return parsed
    const { values, positionals } = parsed
    const text = positionals.length > 0 ? positionals.join(' ') : readStdin()
    if (text.trim() === '') return usageError('classify', 'no text to classify')
    const log = values.verbose
      ? createLogger({ destination: { write: (s: string) => process.stderr.write(s) } })
      : silentLogger()
    try {
      const loaded = await loadRouterConfig(values.config)
      const runtime = await buildRuntime(loaded, { log, metrics: new RouterMetrics() })
      try {
        const model = values.model ?? loaded.config.auto_model_name
        const outcome = await previewRequest(runtime.pipeline, text, model, 'cli-classify')
        process.stdout.write(`${JSON.stringify(describeOutcome(outcome), null, 2)}\n`)
      } finally {
        await runtime.close()
      }
      return EXIT.ok
    } catch (err) {
      return commandFailed('classify', err)
    }
  },
}

function readStdin(): string {
  if (process.stdin.isTTY) return ''
  try {
    return readFileSync(0, 'utf8')
  } catch {
    return ''
  }
}
