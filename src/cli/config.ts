/**
 * `semantic-router config migrate`: write the v0.3 form of a classic config (decisions included,
 * see src/decisions/migrate). The result is checked by loading it before it is written.
 */
import { access, readFile, writeFile } from 'node:fs/promises'
import { parse as parseYaml, stringify } from 'yaml'
import { loadRouterConfig, parseRouterConfig } from '../assembly/load-config.js'
import { formatIssue } from '../config/issues.js'
import { migrateClassic } from '../decisions/migrate/migrate.js'
import { isRouterError } from '../errors.js'
import { parseCommandArgs } from './args.js'
import { EXIT, type CliCommand } from './types.js'

const HELP = `Usage: semantic-router config migrate --config <file> [--output <file>] [--force]

Writes the upstream v0.3 form (providers, routing.signals, routing.decisions, global) of a classic
config (categories, keyword_rules, embedding_rules, model_config, vllm_endpoints). Each category
becomes a domain decision of the same name; keyword and embedding rules become signals whose
precedence (classic: first answer wins) is kept with NOT conditions, so the new file routes every
request the way the old one did. What v0.3 cannot express is listed on standard error and at the
top of the file. The result is validated before it is written.

Options:
  -c, --config <file>   Classic config to migrate (required).
  -o, --output <file>   Where to write (default: <config>.migrated.yaml; "-" for standard output).
  -f, --force           Overwrite the output file if it exists.
  -h, --help            Show this help.

Exit status: 0 when written, 1 when the input is invalid or already v0.3 (or the output exists),
2 on bad usage.`

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}

export function migratedPath(input: string): string {
  return /\.ya?ml$/i.test(input)
    ? input.replace(/\.ya?ml$/i, '.migrated.yaml')
    : `${input}.migrated.yaml`
}

export const configCommand: CliCommand = {
  name: 'config',
  summary: 'Config tools: migrate a classic config to the v0.3 schema',
  help: HELP,
  async run(argv) {
    if (argv[0] !== 'migrate') {
      process.stderr.write(`config: unknown or missing subcommand (try: config migrate --help)\n`)
      return argv[0] === '-h' || argv[0] === '--help'
        ? (process.stdout.write(`${HELP}\n`), EXIT.ok)
        : EXIT.usage
    }
    const parsed = parseCommandArgs(
      {
        name: 'config migrate',
        help: HELP,
        options: {
          config: { type: 'string', short: 'c' },
          output: { type: 'string', short: 'o' },
          force: { type: 'boolean', short: 'f', default: false },
        },
      },
      argv.slice(1),
    )
    if (typeof parsed === 'number') return parsed
    const input = parsed.values.config
    if (input === undefined) {
      process.stderr.write('config migrate: --config is required\n')
      return EXIT.usage
    }
    const output = parsed.values.output ?? migratedPath(input)
    if (output !== '-' && !parsed.values.force && (await exists(output))) {
      process.stderr.write(`config migrate: ${output} exists (use --force to overwrite)\n`)
      return EXIT.failure
    }
    try {
      const loaded = await loadRouterConfig(input)
      if (loaded.config.v03) {
        process.stderr.write(`config migrate: ${input} is already a v0.3 config\n`)
        return EXIT.failure
      }
      const raw = parseYaml(await readFile(input, 'utf8'), { version: '1.1' }) as Record<
        string,
        unknown
      >
      const { document, notes } = migrateClassic(loaded.config, raw)
      const header = [
        `# v0.3 form of ${input}, written by \`semantic-router config migrate\`.`,
        ...notes.map((n) => `# note: ${n}`),
      ].join('\n')
      const text = `${header}\n${stringify(document, { lineWidth: 0 })}`
      // Never write a file the router would refuse.
      parseRouterConfig(text, { source: output })
      for (const n of notes) process.stderr.write(`config migrate: note: ${n}\n`)
      if (output === '-') process.stdout.write(text)
      else {
        await writeFile(output, text)
        process.stderr.write(
          `config migrate: wrote ${output} (${loaded.config.categories.length} categories as decisions)\n`,
        )
      }
      return EXIT.ok
    } catch (err) {
      if (isRouterError(err) && Array.isArray(err.details))
        for (const issue of err.details as Parameters<typeof formatIssue>[0][])
          process.stderr.write(`config migrate: ${formatIssue(issue)}\n`)
      else process.stderr.write(`config migrate: ${(err as Error).message}\n`)
      return EXIT.failure
    }
  },
}
