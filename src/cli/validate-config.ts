/** `semantic-router validate-config`: print every problem in a config file; non-zero on errors. */
import { loadRouterConfig } from '../assembly/load-config.js'
import { formatIssue, type ConfigIssue } from '../config/issues.js'
import { isRouterError } from '../errors.js'
import { parseCommandArgs } from './args.js'
import { EXIT, type CliCommand } from './types.js'

const HELP = `Usage: semantic-router validate-config [--config <file>] [--quiet] [<file>...]

Checks one or more router config files (upstream config.yaml schema plus this project's sections)
and prints every problem with its YAML path and line. Unknown keys are warnings; anything else
wrong is an error.

Options:
  -c, --config <file>   Config file (default: config/config.yaml). Positional files also work.
  -q, --quiet           Print errors only, not warnings.
  -h, --help            Show this help.

Exit status: 0 when every file is valid (warnings allowed), 1 when any file has errors,
2 on bad usage.`

export const validateConfigCommand: CliCommand = {
  name: 'validate-config',
  summary: 'Check config files and list every problem',
  help: HELP,
  async run(argv) {
    const parsed = parseCommandArgs(
      {
        name: 'validate-config',
        help: HELP,
        positionals: true,
        options: {
          config: { type: 'string', short: 'c' },
          quiet: { type: 'boolean', short: 'q', default: false },
        },
      },
      argv,
    )
    if (typeof parsed === 'number') return parsed
    const files = [
      ...(parsed.values.config === undefined ? [] : [parsed.values.config]),
      ...parsed.positionals,
    ]
    if (files.length === 0) files.push('config/config.yaml')
    let failed = false
    for (const file of files) {
      const ok = await validateOne(file, parsed.values.quiet)
      failed ||= !ok
    }
    return failed ? EXIT.failure : EXIT.ok
  },
}

async function validateOne(file: string, quiet: boolean): Promise<boolean> {
  const print = (issues: readonly ConfigIssue[]): void => {
    for (const issue of issues) {
      if (quiet && issue.severity === 'warning') continue
      process.stdout.write(`${file}: ${formatIssue(issue)}\n`)
    }
  }
  try {
    const loaded = await loadRouterConfig(file)
    print(loaded.warnings)
    const routes = loaded.config.v03
      ? `v0.3, ${loaded.config.v03.routing.decisions.length} decisions, ${loaded.config.v03.recipes.length} recipes`
      : `${loaded.config.categories.length} categories`
    process.stdout.write(`${file}: valid (${routes}, ${loaded.warnings.length} warnings)\n`)
    return true
  } catch (err) {
    if (isRouterError(err) && err.code === 'config_invalid' && Array.isArray(err.details)) {
      print(err.details as ConfigIssue[])
      process.stdout.write(`${file}: invalid (${(err.details as unknown[]).length} errors)\n`)
    } else {
      process.stdout.write(`${file}: ${(err as Error).message}\n`)
    }
    return false
  }
}
