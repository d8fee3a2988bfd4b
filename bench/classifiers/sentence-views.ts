/**
 * What sentence views cost (src/guards/jailbreak/sentences.ts): the router's jailbreak detector
 * (rules + embedded classifier, with the rules' normalised views) with the shipped model folder, and
 * the same folder with `sentence_views` switched off, side by side in one process, alternating per
 * pass. Inputs: the everyday held-out requests (training/data/category-heldout.tsv: what
 * before-after.ts's guard chain uses), the jailbreak corpus's multi-sentence prompts, and a ~100 kB
 * text of distinct sentences. p50 / p90 per set and the on/off ratio. Prints one JSON document.
 *
 *   flock /work/.heavy.lock node --import tsx bench/classifiers/sentence-views.ts [--passes 5]
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadDefaultJailbreakDetector } from '../../src/eval/guards/embedded-jailbreak.js'
import { loadJailbreakCorpus } from '../../src/eval/guards/jailbreak-corpus.js'
import { sentenceViews } from '../../src/guards/jailbreak/sentences.js'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'

const { values: args } = parseArgs({
  options: { passes: { type: 'string', default: '5' }, out: { type: 'string' } },
})
const REPO = join(import.meta.dirname, '..', '..')

const everyday = readFileSync(join(REPO, 'training', 'data', 'category-heldout.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => l.split('\t')[2]!)
const corpus = loadJailbreakCorpus()
const multi = [...corpus.train, ...corpus.dev, ...corpus.test]
  .map((e) => e.text)
  .filter((t) => sentenceViews(t).length > 1)
let long = ''
for (let i = 0; long.length < 100_000; i++)
  long += `Note ${i}: the delivery for order ${i * 7} arrives on day ${i % 28}. `
const sets: Record<string, string[]> = { everyday, multi_sentence: multi, long_100kb: [long] }

// The same model folder without sentence views.
const off = mkdtempSync(join(tmpdir(), 'jailbreak-no-sentences-'))
cpSync(EMBEDDED_MODELS.jailbreak, off, { recursive: true })
const config = JSON.parse(readFileSync(join(off, 'config.json'), 'utf8')) as {
  _semantic_router: Record<string, unknown>
}
delete config._semantic_router['sentence_views']
writeFileSync(join(off, 'config.json'), JSON.stringify(config))

const detectors = {
  on: await loadDefaultJailbreakDetector(EMBEDDED_MODELS.jailbreak),
  off: await loadDefaultJailbreakDetector(off),
}
const samples: Record<string, Record<string, number[]>> = {}
const passes = Number(args.passes)
for (let p = -1; p < passes; p++)
  for (const side of p % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const))
    for (const [name, texts] of Object.entries(sets)) {
      const out = ((samples[name] ??= {})[side] ??= [])
      for (const t of texts) {
        const start = performance.now()
        await detectors[side].detect(t)
        if (p >= 0) out.push(performance.now() - start) // pass -1 warms up
      }
    }
const quantile = (xs: number[], q: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!
const r4 = (x: number): number => Math.round(x * 1e4) / 1e4
const rows = Object.fromEntries(
  Object.entries(samples).map(([name, s]) => {
    const [on, offS] = [s['on']!, s['off']!]
    return [
      name,
      {
        texts: sets[name]!.length,
        on_p50_ms: r4(quantile(on, 0.5)),
        off_p50_ms: r4(quantile(offS, 0.5)),
        p50_ratio: r4(quantile(on, 0.5) / quantile(offS, 0.5)),
        on_p90_ms: r4(quantile(on, 0.9)),
        off_p90_ms: r4(quantile(offS, 0.9)),
        p90_ratio: r4(quantile(on, 0.9) / quantile(offS, 0.9)),
      },
    ]
  }),
)
await Promise.all([detectors.on.close?.(), detectors.off.close?.()])
rmSync(off, { recursive: true })
const result = {
  bench: 'sentence-views',
  date: new Date().toISOString(),
  node: process.version,
  load_average: loadavg().map((x) => r4(x)),
  passes,
  rows,
}
const json = `${JSON.stringify(result, null, 2)}\n`
if (args.out) writeFileSync(args.out, json)
process.stdout.write(json)
