/**
 * Every CLI subcommand. Adding a command: one file exporting a CliCommand, one line here.
 */
import { simulateCommand } from './simulate.js'
import type { CliCommand } from './types.js'
import { validateConfigCommand } from './validate-config.js'

export const COMMANDS: readonly CliCommand[] = [validateConfigCommand, simulateCommand]
