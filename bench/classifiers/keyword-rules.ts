/**
 * Cost of the keyword rules stage (`keyword_rules`, src/classify/keyword) per request, side by side
 * in one process: the compiled rules (ASCII word lookup + one alternation per rule) against the
 * reference way — each keyword's own regex tested in turn, as the stage did before — for the
 * bundled config's rules, on the 168 held-out category texts. Both must give the same verdicts
 * (checked here too). p50 per text in µs, over alternating rounds.
 *
 *   flock /work/.heavy.lock node --import tsx bench/classifiers/keyword-rules.ts [--rounds 5] \
 *     [--out bench/classifiers/recorded/keyword-rules-<date>.json]
 */
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadRouterConfig } from '../../src/assembly/load-config.js'
import { KeywordClassifier, compileKeyword } from '../../src/classify/keyword/keyword-classifier.js'
import { readLabelledTsv, CATEGORY_HELDOUT } from '../../src/eval/category.js'

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, out: { type: 'string' } },
})
const REPO = join(import.meta.dirname, '..', '..')
const rules = (await loadRouterConfig(join(REPO, 'config', 'config.yaml'))).config.keyword_rules
const texts = readLabelledTsv(CATEGORY_HELDOUT).map((r) => r.text)

const compiled = new KeywordClassifier(rules)
const reference = rules.map((r) => ({
  category: r.category,
  operator: r.operator,
  patterns: r.keywords.map((k) => compileKeyword(k, r.case_sensitive)),
}))
const referenceClassify = (text: string): string | null => {
  for (const r of reference) {
    const hit =
      r.operator === 'AND'
        ? r.patterns.every((p) => p.test(text))
        : r.patterns.some((p) => p.test(text)) !== (r.operator === 'NOR')
    if (hit) return r.category
  }
  return null
}
for (const t of texts) {
  const got = compiled.classifySync({ text: t, history: [] })?.category ?? null
  if (got !== referenceClassify(t)) throw new Error(`verdicts differ on ${JSON.stringify(t)}`)
}

function p50(run: (t: string) => unknown): number {
  const samples: number[] = []
  for (let pass = 0; pass < 20; pass++)
    for (const t of texts) {
      const start = process.hrtime.bigint()
      run(t)
      samples.push(Number(process.hrtime.bigint() - start) / 1000)
    }
  samples.sort((a, b) => a - b)
  return +samples[Math.floor(samples.length / 2)]!.toFixed(3)
}

const rounds = { compiled: [] as number[], reference: [] as number[] }
const load = [loadavg()[0]]
for (let r = 0; r < Number(args.rounds); r++) {
  rounds.reference.push(p50(referenceClassify))
  rounds.compiled.push(p50((t) => compiled.classifySync({ text: t, history: [] })))
}
load.push(loadavg()[0])
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const result = {
  bench: 'keyword-rules',
  date: new Date().toISOString(),
  node: process.version,
  load_average: load.map((l) => +l!.toFixed(2)),
  rules: rules.length,
  keywords: rules.reduce((n, r) => n + r.keywords.length, 0),
  texts: texts.length,
  p50_us: { reference: median(rounds.reference), compiled: median(rounds.compiled) },
  ratio_compiled_vs_reference: +(median(rounds.compiled) / median(rounds.reference)).toFixed(3),
  rounds,
  note: 'p50 per text of the keyword stage alone (first matching rule); reference = each keyword regex tested in turn (the stage before this change); same verdicts checked on every text',
}
const json = `${JSON.stringify(result, null, 2)}\n`
if (args.out) writeFileSync(args.out, json)
process.stdout.write(json)
