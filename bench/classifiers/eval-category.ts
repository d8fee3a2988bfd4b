/**
 * Category accuracy on the project's held-out set (training/data/category-heldout.tsv), through the
 * same loader and worker the router uses. Prints a table and a JSON summary.
 *
 *   npm run eval:classifiers                       # the embedded default model
 *   node --import tsx bench/classifiers/eval-category.ts --model <hf-folder> [--json]
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { readModelFolder } from '../../src/ml/folder.js'
import { LoadedModel, toClassification } from '../../src/ml/model.js'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: EMBEDDED_MODELS.category },
    data: {
      type: 'string',
      default: join(import.meta.dirname, '..', '..', 'training', 'data', 'category-heldout.tsv'),
    },
    json: { type: 'boolean', default: false },
    errors: { type: 'boolean', default: false },
  },
})

interface Row {
  label: string
  kind: string
  text: string
}

const rows: Row[] = readFileSync(args.data, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => {
    const [label, kind, text] = l.split('\t')
    return { label: label!, kind: kind!, text: text! }
  })

const folder = readModelFolder(args.model)
const model = await LoadedModel.load({
  folder,
  task: 'sequence-classification',
  labels: folder.labels ?? [],
  longInput: 'truncate',
})
const results = await Promise.all(rows.map((r) => model.run([r.text])))
await model.close()

const tally = new Map<string, { n: number; ok: number }>()
const bump = (key: string, ok: boolean): void => {
  const t = tally.get(key) ?? { n: 0, ok: 0 }
  t.n++
  t.ok += ok ? 1 : 0
  tally.set(key, t)
}
const errors: string[] = []
rows.forEach((r, i) => {
  const c = toClassification(folder.labels ?? [], results[i]![0]!)
  const ok = c.top === r.label
  bump('all', ok)
  bump(`kind:${r.kind}`, ok)
  bump(`category:${r.label}`, ok)
  if (!ok) errors.push(`${r.label} → ${c.top} (${c.confidence.toFixed(2)}) [${r.kind}] ${r.text}`)
})
const pct = (k: string): number => {
  const t = tally.get(k)!
  return +((100 * t.ok) / t.n).toFixed(1)
}
const summary = {
  model: args.model,
  data: args.data,
  examples: rows.length,
  top1_accuracy: pct('all'),
  by_kind: Object.fromEntries(
    [...tally.keys()].filter((k) => k.startsWith('kind:')).map((k) => [k.slice(5), pct(k)]),
  ),
  by_category: Object.fromEntries(
    [...tally.keys()]
      .filter((k) => k.startsWith('category:'))
      .sort()
      .map((k) => [k.slice(9), pct(k)]),
  ),
}
if (args.json) {
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
} else {
  process.stdout.write(
    `category top-1 on ${rows.length} held-out examples: ${summary.top1_accuracy}%\n`,
  )
  for (const [k, v] of Object.entries(summary.by_kind))
    process.stdout.write(`  ${k.padEnd(18)} ${v}%\n`)
  for (const [k, v] of Object.entries(summary.by_category)) {
    const t = tally.get(`category:${k}`)!
    process.stdout.write(`  ${k.padEnd(18)} ${v}%  (${t.ok}/${t.n})\n`)
  }
  if (args.errors) for (const e of errors) process.stdout.write(`  ✗ ${e}\n`)
}
