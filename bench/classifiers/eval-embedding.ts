/**
 * Sentence-embedding quality on training/data/embedding-pairs.tsv through the real loader:
 * paraphrase vs unrelated separation (AUC), nearest-neighbour retrieval, and the hard negatives
 * that decide a safe semantic-cache threshold.
 *
 *   node --import tsx bench/classifiers/eval-embedding.ts [--model <hf-folder>] [--json]
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { dot } from '../../src/embeddings/types.js'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'
import { readModelFolder } from '../../src/ml/folder.js'
import { LoadedModel, toVector } from '../../src/ml/model.js'

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: EMBEDDED_MODELS.embedding },
    data: {
      type: 'string',
      default: join(import.meta.dirname, '..', '..', 'training', 'data', 'embedding-pairs.tsv'),
    },
    json: { type: 'boolean', default: false },
  },
})

const rows = readFileSync(args.data, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => l.split('\t') as [string, string, string])
const folder = readModelFolder(args.model)
const model = await LoadedModel.load({
  folder,
  task: 'embedding',
  labels: [],
  longInput: 'truncate',
})
const embed = async (t: string): Promise<Float32Array> => toVector((await model.run([t]))[0]!)
const pairs = await Promise.all(
  rows.map(async ([kind, a, b]) => ({ kind, a: await embed(a), b: await embed(b) })),
)
await model.close()

const para = pairs.filter((p) => p.kind === 'para')
const hard = pairs.filter((p) => p.kind === 'hard')
const paraSims = para.map((p) => dot(p.a, p.b))
const hardSims = hard.map((p) => dot(p.a, p.b))
const unrelated: number[] = []
para.forEach((p, i) => para.forEach((q, j) => i !== j && unrelated.push(dot(p.a, q.b))))
let wins = 0
for (const s of paraSims) for (const u of unrelated) wins += s > u ? 1 : s === u ? 0.5 : 0
let nearest = 0
para.forEach((p, i) => {
  const best = para.reduce((bi, q, j) => (dot(p.a, q.b) > dot(p.a, para[bi]!.b) ? j : bi), 0)
  nearest += best === i ? 1 : 0
})
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
const round = (x: number): number => +x.toFixed(3)
const atThreshold = (t: number) => ({
  threshold: t,
  paraphrase_hit_rate: round(paraSims.filter((s) => s >= t).length / paraSims.length),
  hard_negative_false_hit_rate: round(hardSims.filter((s) => s >= t).length / hardSims.length),
  unrelated_false_hit_rate: round(unrelated.filter((s) => s >= t).length / unrelated.length),
})
const summary = {
  model: args.model,
  dimension: para[0]!.a.length,
  paraphrase_pairs: para.length,
  hard_negative_pairs: hard.length,
  auc_paraphrase_vs_unrelated: round(wins / (paraSims.length * unrelated.length)),
  nearest_neighbour_accuracy: round(nearest / para.length),
  cosine: {
    paraphrase_mean: round(mean(paraSims)),
    paraphrase_min: round(Math.min(...paraSims)),
    unrelated_mean: round(mean(unrelated)),
    unrelated_max: round(Math.max(...unrelated)),
    hard_negative_mean: round(mean(hardSims)),
    hard_negative_max: round(Math.max(...hardSims)),
  },
  thresholds: [0.6, 0.7, 0.8, 0.85, 0.9, 0.95].map(atThreshold),
}
process.stdout.write(`${JSON.stringify(summary, null, args.json ? 2 : 1)}\n`)
