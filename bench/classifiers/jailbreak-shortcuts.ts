/**
 * Per-call CPU of the embedded jailbreak rules with their shortcuts (literal pre-filter, fast
 * paths in normalisation) against the reference path (`shortcuts: false`), side by side in one
 * process, on one thread: benign prompts, attacks, the ext_proc benchmark's prompts and a 100 kB
 * text. Also checks that both paths give the same verdicts on every input (a benchmark of a wrong
 * answer is worthless). Prints one JSON document.
 *
 *   taskset -c 0 node --import tsx bench/classifiers/jailbreak-shortcuts.ts [--passes 20]
 */
import { isDeepStrictEqual, parseArgs } from 'node:util'
import { GUARD_SETS } from '../../src/eval/guards/evaluate.js'
import { loadJailbreakSet } from '../../src/eval/guards/jailbreak-data.js'
import { RuleJailbreakDetector } from '../../src/guards/jailbreak/rule-detector.js'
import { JAILBREAK_RULES } from '../../src/guards/jailbreak/rules/index.js'
import { PROMPTS } from '../extproc/messages.js'

const { values } = parseArgs({ options: { passes: { type: 'string', default: '20' } } })
const passes = Number(values.passes)

const examples = [
  ...loadJailbreakSet(GUARD_SETS.jailbreakTrain),
  ...loadJailbreakSet(GUARD_SETS.jailbreakTest),
]
// The eight prompts bench/extproc cycles through.
const extprocPrompts = PROMPTS
// The labelled prompts joined into one long text (attacks included: many rules fire).
const big = examples
  .map((e) => e.text)
  .join(' ')
  .repeat(3)
  .slice(0, 100_000)

const sets: Record<string, readonly string[]> = {
  benign: examples.filter((e) => !e.attack).map((e) => e.text),
  attack: examples.filter((e) => e.attack).map((e) => e.text),
  extproc_prompts: extprocPrompts,
  text_100kB: [big],
}

const fast = new RuleJailbreakDetector()
const reference = new RuleJailbreakDetector(JAILBREAK_RULES, { shortcuts: false })

/** Mean microseconds per call over `passes` passes (after one warm-up pass). */
async function perCall(detector: RuleJailbreakDetector, texts: readonly string[], reps: number) {
  for (const t of texts) await detector.detect(t)
  const start = process.hrtime.bigint()
  for (let p = 0; p < reps; p++) for (const t of texts) await detector.detect(t)
  return Number(process.hrtime.bigint() - start) / 1e3 / (reps * texts.length)
}

const rows: Record<string, unknown> = {}
for (const [name, texts] of Object.entries(sets)) {
  for (const t of texts)
    if (!isDeepStrictEqual(await fast.detect(t), await reference.detect(t)))
      throw new Error(`${name}: verdicts differ on ${JSON.stringify(t.slice(0, 80))}`)
  // Short sets get more passes, so each row makes about 250 × passes calls (the 100 kB text: passes).
  const reps = texts.length === 1 ? passes : Math.ceil((passes * 250) / texts.length)
  const ref = await perCall(reference, texts, reps)
  const ours = await perCall(fast, texts, reps)
  rows[name] = {
    texts: texts.length,
    calls_per_path: reps * texts.length,
    reference_us: Math.round(ref * 10) / 10,
    shortcuts_us: Math.round(ours * 10) / 10,
    speedup: Math.round((ref / ours) * 100) / 100,
  }
}

const result = {
  bench: 'classifiers/jailbreak-shortcuts',
  date: new Date().toISOString(),
  node: process.version,
  passes,
  identical_verdicts: true,
  per_call: rows,
}
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
