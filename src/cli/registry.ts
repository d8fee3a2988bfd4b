/**
 * Every CLI subcommand. Adding a command: one file exporting a CliCommand, one line here.
 */
import { benchCommand } from './bench.js'
import { classifyCommand } from './classify.js'
import { configCommand } from './config.js'
import { evalCommand } from './eval.js'
import { modelsCommand } from './models.js'
import { serveCommand } from './serve.js'
import { simulateCommand } from './simulate.js'
import type { CliCommand } from './types.js'
import { validateConfigCommand } from './validate-config.js'

export const COMMANDS: readonly CliCommand[] = [
  serveCommand,
  validateConfigCommand,
  configCommand,
  simulateCommand,
  classifyCommand,
  evalCommand,
  benchCommand,
  modelsCommand,
]
