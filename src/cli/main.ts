/** Dispatches `semantic-router <command> ...` to the command registry. */
import { COMMANDS } from './registry.js'
import { EXIT } from './types.js'

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length))
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)
  return `Usage: semantic-router <command> [options]

Commands:
${lines.join('\n')}

Run 'semantic-router <command> --help' for a command's options.`
}

export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`)
    return name === undefined ? EXIT.usage : EXIT.ok
  }
  const command = COMMANDS.find((c) => c.name === name)
  if (!command) {
    process.stderr.write(`unknown command: ${name}\n\n${usage()}\n`)
    return EXIT.usage
  }
  return command.run(rest)
}
