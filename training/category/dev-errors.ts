/**
 * Where the embedded category model loses everyday requests on the dev split (docs/classifiers.md
 * "What is left"): runs every dev everyday text through the router's pipeline on the bundled
 * config (keyword rules, question view and threshold as served) and counts the texts that are not
 * accepted and right — a wrong top choice (by confidence band, by the rank of the right field, by
 * single or multi-sentence text) or a right one under the threshold — for the texts that were
 * there before the seventh session (`category/`) and the new-voice texts (`category-voices/`).
 *
 *   node --import tsx training/category/dev-errors.ts [--config config/config.yaml] [--list FILE]
 *
 * `--list` writes each such text as a tab-separated row (source, wrong|unsure, right field, top
 * choice, confidence, the right field's probability and rank, single|multi, text) for grouping by
 * cause by hand. Dev only: the test split is read by `semantic-router eval`.
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { buildRuntime } from '../../src/assembly/build-runtime.js'
import { loadRouterConfig } from '../../src/assembly/load-config.js'
import { questionSentence } from '../../src/classify/model/question-view.js'
import { loadCorpus } from '../../src/eval/category-data.js'
import { silentLogger } from '../../src/log.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import { MMLU_PRO_CATEGORIES } from '../../src/ml/label-mapping.js'

const { values: args } = parseArgs({
  options: {
    config: { type: 'string', default: 'config/config.yaml' },
    list: { type: 'string' },
  },
})

const loaded = await loadRouterConfig(args.config)
const threshold = loaded.config.classifier.category_model.threshold
const runtime = await buildRuntime(loaded, { log: silentLogger(), metrics: new RouterMetrics() })
const rows = loadCorpus().rows.filter((r) => r.split === 'dev' && r.kind === 'everyday')
const counts: Record<string, number> = {}
const count = (key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1
}
const listed: string[] = []
const band = (c: number): string =>
  c >= 0.85
    ? '≥ 0.85'
    : c >= 0.6
      ? '0.60–0.85'
      : c >= threshold
        ? `${threshold}–0.60`
        : `< ${threshold}`

try {
  for (const r of rows) {
    const source = r.source.startsWith('category-voices/') ? 'voices' : 'pre-session'
    const shape = questionSentence(r.text) === undefined ? 'single' : 'multi'
    const right = MMLU_PRO_CATEGORIES[r.label]!
    const c = await runtime.pipeline.classifyText(r.text)
    count(`${source} texts`)
    const outcome = c.topCategory !== right ? 'wrong' : c.accepted ? 'ok' : 'unsure'
    if (outcome === 'ok') continue
    const distribution = c.classification?.distribution ?? []
    const pRight = distribution.find((d) => d.category === right)?.probability ?? 0
    const rank = 1 + distribution.filter((d) => d.probability > pRight).length
    count(`${source} ${outcome}`)
    count(`${source} ${outcome}, ${shape} sentence`)
    if (outcome === 'wrong') {
      count(`${source} wrong, confidence ${band(c.confidence)}`)
      count(`${source} wrong, right field ${rank === 2 ? 'second' : 'third or lower'}`)
    }
    listed.push(
      [source, outcome, right, c.topCategory, c.confidence.toFixed(2), pRight.toFixed(2), rank]
        .concat([shape, r.text])
        .join('\t'),
    )
  }
} finally {
  await runtime.close()
}
if (args.list) writeFileSync(args.list, `${listed.join('\n')}\n`)
for (const key of Object.keys(counts).sort()) console.log(`${key.padEnd(48)} ${counts[key]}`)
