/** A CLI subcommand: `semantic-router <name> [options]`. */
export interface CliCommand {
  readonly name: string
  /** One line for the command list. */
  readonly summary: string
  /** Full `--help` text (usage, options, examples). */
  readonly help: string
  /** Runs the command; resolves to the process exit code. */
  run(argv: readonly string[]): Promise<number>
}

/** Exit codes shared by all commands. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const
