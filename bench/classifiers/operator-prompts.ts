/**
 * How many operator system prompts the jailbreak guard blocks, `prompt_guard.operator_messages`
 * full vs rules (docs/classifiers.md "Operator system prompts"): each prompt of
 * test/fixtures/guards/operator-prompts.txt is sent as the system message of a request with a
 * plain user question, through the pipeline on the bundled config, once per mode; a prompt counts
 * as blocked when either of two user questions is answered by the guard.
 *
 *   node --import tsx bench/classifiers/operator-prompts.ts [--out bench/classifiers/recorded/x.json]
 */
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { localRequestMeta } from '../../src/pipeline/local-meta.js'
import { bundledRuntime, operatorPrompts, operatorRequest } from './operator-fixture.js'

const { values: args } = parseArgs({ options: { out: { type: 'string' } } })
const prompts = operatorPrompts()
const QUESTIONS = ['Can you help me with my order?', 'What is the capital of France?']

let n = 0
const result: Record<string, { blocked: number; of: number; lines: number[] }> = {}
for (const mode of ['full', 'rules'] as const) {
  const runtime = await bundledRuntime(mode)
  const lines: number[] = []
  for (const [i, system] of prompts.entries()) {
    let blocked = false
    for (const question of QUESTIONS) {
      const body = operatorRequest(system, question)
      const outcome = await runtime.pipeline.handleRequest(body, localRequestMeta(`op-${++n}`))
      if (outcome.action === 'respond') blocked = true
    }
    if (blocked) lines.push(i + 1)
  }
  result[mode] = { blocked: lines.length, of: prompts.length, lines }
  await runtime.close()
}
const report = {
  command: 'node --import tsx bench/classifiers/operator-prompts.ts',
  date: new Date().toISOString(),
  load_average: loadavg().map((x) => +x.toFixed(2)),
  note: 'lines = 1-based prompt numbers (comment lines not counted) blocked under each mode',
  ...result,
}
const json = `${JSON.stringify(report, null, 2)}\n`
if (args.out) writeFileSync(args.out, json)
process.stdout.write(json)
