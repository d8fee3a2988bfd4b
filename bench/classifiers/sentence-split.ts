/**
 * What splitting a request into sentences costs next to the classifiers that split it. A request of
 * several sentences is split twice today: by the category model's question view
 * (src/classify/model/question-view.ts) and by the jailbreak detector's sentence views
 * (src/guards/jailbreak/sentences.ts), each calling `sentenceViews` on the same text. Sharing one
 * split per request would save one call; this measures that call against the two classifiers' own
 * time on the same texts, in one process, alternating per pass: the split (µs per text, a batch over
 * every text timed at once), the category classifier as the router runs it (question view in the
 * same batch) and the router's jailbreak detector (rules + embedded classifier with sentence views).
 * Inputs: the everyday held-out texts joined two by two (before-after.ts's two-sentence row).
 * Reports the saving as a share of the two classifiers' p50 and the spread of that p50 over passes
 * (the noise a side-by-side run would have to beat). Prints one JSON document.
 *
 *   flock /work/.heavy.lock node --import tsx bench/classifiers/sentence-split.ts \
 *     [--passes 7] [--out bench/classifiers/recorded/x.json]
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { readQuestionView, viewTexts } from '../../src/classify/model/question-view.js'
import { CATEGORY_HELDOUT, readLabelledTsv } from '../../src/eval/category.js'
import { loadDefaultJailbreakDetector } from '../../src/eval/guards/embedded-jailbreak.js'
import { sentenceViews } from '../../src/guards/jailbreak/sentences.js'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'
import { readModelFolder } from '../../src/ml/folder.js'
import { LoadedModel } from '../../src/ml/model.js'
import { machineInfo, round } from '../gateway/processes.js'

const { values: args } = parseArgs({
  options: { passes: { type: 'string', default: '7' }, out: { type: 'string' } },
})
const passes = Number(args.passes)
/** Split loops per pass: the split takes microseconds, timed over many texts at once. */
const SPLIT_LOOPS = 50
/** Passes run first and not counted: the classifiers' p50 falls for about three passes. */
const WARM_UP = 3

const everyday = readLabelledTsv(CATEGORY_HELDOUT).map((r) => r.text)
const texts = everyday.slice(0, -1).map((t, i) => `${t} ${everyday[i + 1]!}`)

const folder = readModelFolder(EMBEDDED_MODELS.category)
const category = await LoadedModel.load({
  folder,
  task: 'sequence-classification',
  labels: folder.labels ?? [],
  longInput: 'truncate',
})
const view = readQuestionView(EMBEDDED_MODELS.category)
const jailbreak = await loadDefaultJailbreakDetector(EMBEDDED_MODELS.jailbreak)

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!

/** µs per text of one `sentenceViews` call, over every text SPLIT_LOOPS times. */
function splitUs(): number {
  let views = 0
  const start = performance.now()
  for (let i = 0; i < SPLIT_LOOPS; i++) for (const t of texts) views += sentenceViews(t).length
  const us = ((performance.now() - start) * 1000) / (SPLIT_LOOPS * texts.length)
  if (views === 0) throw new Error('no text was split')
  return us
}

/** p50 (ms) of category + jailbreak on each text, run one after the other as the router does. */
async function classifiersP50(): Promise<number> {
  const samples: number[] = []
  for (const t of texts) {
    const start = performance.now()
    await category.run(viewTexts(t, view))
    await jailbreak.detect(t)
    samples.push(performance.now() - start)
  }
  return median(samples)
}

const split: number[] = []
const classifiers: number[] = []
for (let p = -WARM_UP; p < passes; p++) {
  // Alternate the order so neither measurement always follows the other.
  const order = p % 2 === 0 ? ['split', 'classifiers'] : ['classifiers', 'split']
  for (const what of order) {
    if (what === 'split') {
      const us = splitUs()
      if (p >= 0) split.push(us)
    } else {
      const ms = await classifiersP50()
      if (p >= 0) classifiers.push(ms)
    }
  }
}
await Promise.all([category.close(), jailbreak.close?.()])

const splitMs = median(split) / 1000
const classifiersMs = median(classifiers)
const result = {
  bench: 'sentence-split',
  date: new Date().toISOString(),
  machine: machineInfo(),
  passes,
  texts: texts.length,
  split_us_per_text: round(median(split), 3),
  split_us_per_pass: split.map((x) => round(x, 3)),
  classifiers_p50_ms: round(classifiersMs, 4),
  classifiers_p50_ms_per_pass: classifiers.map((x) => round(x, 4)),
  /** One split fewer per request, as a share of the two classifiers' p50. */
  saving_share: round(splitMs / classifiersMs, 5),
  /** (max − min) / median of the per-pass p50: what a side-by-side run would have to beat. */
  classifiers_spread_share: round(
    (Math.max(...classifiers) - Math.min(...classifiers)) / classifiersMs,
    4,
  ),
}
const json = `${JSON.stringify(result, null, 2)}\n`
if (args.out) writeFileSync(args.out, json)
process.stdout.write(json)
