/**
 * A sentence-embedding model on training/data/embedding-pairs.tsv (src/eval/embedding.ts):
 * paraphrase vs unrelated AUC, nearest-neighbour retrieval, and how far paraphrases sit above the
 * hard negatives (lexically close, different request) on average.
 */
import { evaluateEmbedding } from '../embedding.js'
import type { CardEvaluation } from './types.js'

const pts = (x: number): number => Math.round(1000 * x) / 10

export function embeddingCard(
  name: string,
  modelDir: string,
  dataCards: readonly string[],
): CardEvaluation {
  return {
    name,
    dataCards,
    async run() {
      const r = await evaluateEmbedding(modelDir)
      const figures = {
        auc: pts(r.auc_paraphrase_vs_unrelated),
        nearest_neighbour: pts(r.nearest_neighbour_accuracy),
        paraphrase_over_hard_negative: pts(r.cosine.paraphrase_mean - r.cosine.hard_negative_mean),
      }
      const c = r.cosine
      const markdown = [
        `\`training/data/embedding-pairs.tsv\` (${r.paraphrase_pairs} paraphrase pairs, ${r.hard_negative_pairs} hard negatives; every other pairing of paraphrase sides as unrelated), through the model loader, ${r.dimension} dimensions:`,
        '',
        '| AUC paraphrase vs unrelated | nearest neighbour | cosine: paraphrase mean (min) | unrelated mean (max) | hard negative mean (max) |',
        '| ---: | ---: | ---: | ---: | ---: |',
        `| ${r.auc_paraphrase_vs_unrelated} | ${pts(r.nearest_neighbour_accuracy)} % | ${c.paraphrase_mean} (${c.paraphrase_min}) | ${c.unrelated_mean} (${c.unrelated_max}) | ${c.hard_negative_mean} (${c.hard_negative_max}) |`,
      ].join('\n')
      return { figures, markdown }
    },
  }
}
