/**
 * What the operator-prompt benchmarks share: the 47 written operator system prompts
 * (test/fixtures/guards/operator-prompts.txt) and a runtime on the bundled config with
 * `prompt_guard.operator_messages` set to one mode (and other settings changed as asked).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseDocument } from 'yaml'
import { buildRuntime } from '../../src/assembly/build-runtime.js'
import { parseRouterConfig } from '../../src/assembly/load-config.js'
import { createLogger } from '../../src/log.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'

const ROOT = join(import.meta.dirname, '..', '..')

export type OperatorMode = 'full' | 'rules'

export function operatorPrompts(): string[] {
  return readFileSync(join(ROOT, 'test', 'fixtures', 'guards', 'operator-prompts.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
}

/** A chat body: the operator prompt as the system message, then the user's question. */
export function operatorRequest(system: string, question: string): Buffer {
  const messages = [
    { role: 'system', content: system },
    { role: 'user', content: question },
  ]
  return Buffer.from(JSON.stringify({ model: 'MoM', messages }))
}

export function bundledRuntime(
  mode: OperatorMode,
  edits: readonly [readonly string[], unknown][] = [],
): ReturnType<typeof buildRuntime> {
  const doc = parseDocument(readFileSync(join(ROOT, 'config', 'config.yaml'), 'utf8'))
  doc.setIn(['prompt_guard', 'operator_messages'], mode)
  for (const [path, value] of edits) doc.setIn([...path], value)
  const log = createLogger({ level: 'error', destination: { write: () => undefined } })
  return buildRuntime(parseRouterConfig(doc.toString()), { log, metrics: new RouterMetrics() })
}
