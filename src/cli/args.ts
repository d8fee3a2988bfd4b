/**
 * The argument conventions every command follows, in one place: options parsed strictly by
 * node:util parseArgs, `-h`/`--help` prints the command's help on standard output (exit 0), and
 * bad usage — an unknown option, a missing value, a value out of range — prints
 * `<command>: <problem>` and a pointer to `--help` on standard error (exit 2).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { isRouterError } from '../errors.js'
import { EXIT } from './types.js'

type Options = NonNullable<ParseArgsConfig['options']>

const HELP_OPTION = { help: { type: 'boolean', short: 'h', default: false } } as const

/** What parseArgs returns for these options plus `--help`. */
export type ParsedArgs<O extends Options> = ReturnType<
  typeof parseArgs<{
    args: string[]
    options: O & typeof HELP_OPTION
    allowPositionals: true
    strict: true
  }>
>

export interface CommandSyntax<O extends Options> {
  /** As the user types it: `serve`, `bench run`. */
  readonly name: string
  readonly help: string
  readonly options: O
  /** Whether the command takes positional arguments (default false: one is a usage error). */
  readonly positionals?: boolean
}

/**
 * The parsed arguments, or the exit code to return at once: `ok` after printing the help, `usage`
 * after reporting bad arguments.
 */
export function parseCommandArgs<O extends Options>(
  syntax: CommandSyntax<O>,
  argv: readonly string[],
): ParsedArgs<O> | number {
  let parsed: ParsedArgs<O>
  try {
    parsed = parseArgs<{
      args: string[]
      options: O & typeof HELP_OPTION
      allowPositionals: true
      strict: true
    }>({
      args: [...argv],
      options: { ...syntax.options, ...HELP_OPTION },
      // Typed as `true` so positionals is always a string[]; parseArgs still enforces the value.
      allowPositionals: (syntax.positionals ?? false) as true,
      strict: true,
    })
  } catch (err) {
    return usageError(syntax.name, (err as Error).message)
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${syntax.help}\n`)
    return EXIT.ok
  }
  return parsed
}

/** Report bad usage of a command; returns the usage exit code. */
export function usageError(command: string, problem: string): number {
  process.stderr.write(
    `semantic-router ${command}: ${problem}\nRun 'semantic-router ${command} --help' for usage.\n`,
  )
  return EXIT.usage
}

/** Report a command that failed after its arguments were accepted; returns the failure code. */
export function commandFailed(command: string, err: unknown): number {
  const code = isRouterError(err) ? ` [${err.code}]` : ''
  process.stderr.write(
    `semantic-router ${command}: error${code}: ${err instanceof Error ? err.message : String(err)}\n`,
  )
  return EXIT.failure
}
