/**
 * Sentence-embedding quality on training/data/embedding-pairs.tsv through the real loader:
 * paraphrase vs unrelated separation (AUC), nearest-neighbour retrieval, and the hard negatives
 * (lexically close, different request) that decide a safe semantic-cache threshold.
 * `semantic-router eval embedding [--model <folder>]`.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { dot } from '../embeddings/types.js'
import { EMBEDDED_MODELS } from '../ml/embedded.js'
import { readModelFolder } from '../ml/folder.js'
import { LoadedModel, toVector } from '../ml/model.js'

export const EMBEDDING_PAIRS = join(
  import.meta.dirname,
  '..',
  '..',
  'training',
  'data',
  'embedding-pairs.tsv',
)

const round = (x: number): number => +x.toFixed(3)
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length

export async function evaluateEmbedding(
  modelDir = EMBEDDED_MODELS.embedding,
  data = EMBEDDING_PAIRS,
) {
  const rows = readFileSync(data, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split('\t') as [string, string, string])
  const model = await LoadedModel.load({
    folder: readModelFolder(modelDir),
    task: 'embedding',
    labels: [],
    longInput: 'truncate',
  })
  let pairs
  try {
    const embed = async (t: string): Promise<Float32Array> => toVector((await model.run([t]))[0]!)
    pairs = await Promise.all(
      rows.map(async ([kind, a, b]) => ({ kind, a: await embed(a), b: await embed(b) })),
    )
  } finally {
    await model.close()
  }
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
  const at = (t: number) => ({
    threshold: t,
    paraphrase_hit_rate: round(paraSims.filter((s) => s >= t).length / paraSims.length),
    hard_negative_false_hit_rate: round(hardSims.filter((s) => s >= t).length / hardSims.length),
    unrelated_false_hit_rate: round(unrelated.filter((s) => s >= t).length / unrelated.length),
  })
  return {
    model: modelDir,
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
    thresholds: [0.6, 0.7, 0.8, 0.85, 0.9, 0.95].map(at),
  }
}

export type EmbeddingReport = Awaited<ReturnType<typeof evaluateEmbedding>>

export function formatEmbeddingReport(r: EmbeddingReport): string {
  const lines = [
    `sentence embedding (${r.model}, ${r.dimension} dims) on ${r.paraphrase_pairs} paraphrase + ${r.hard_negative_pairs} hard-negative pairs`,
    `  AUC paraphrase vs unrelated  ${r.auc_paraphrase_vs_unrelated}`,
    `  nearest neighbour accuracy   ${r.nearest_neighbour_accuracy}`,
    `  cosine paraphrase mean/min   ${r.cosine.paraphrase_mean} / ${r.cosine.paraphrase_min}`,
    `  cosine unrelated mean/max    ${r.cosine.unrelated_mean} / ${r.cosine.unrelated_max}`,
    `  cosine hard negative mean/max ${r.cosine.hard_negative_mean} / ${r.cosine.hard_negative_max}`,
    '  threshold  paraphrase-hit  hard-negative-hit  unrelated-hit',
  ]
  for (const t of r.thresholds) {
    lines.push(
      `  ${String(t.threshold).padEnd(9)}  ${String(t.paraphrase_hit_rate).padEnd(14)}  ${String(t.hard_negative_false_hit_rate).padEnd(17)}  ${t.unrelated_false_hit_rate}`,
    )
  }
  return lines.join('\n')
}
