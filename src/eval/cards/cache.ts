/**
 * The semantic cache at the default settings (embedded sentence embedding, similarity threshold,
 * learned verifier at its confidence threshold) through the real cache path (src/eval/cache.ts):
 * paraphrase hits and false hits on the paraphrase corpus's test split and on the cache
 * benchmark's pair sets. False hits are recorded as their complement (higher is better), so a
 * retrained verifier that lets one more hard negative through fails the regression test.
 */
import { evaluateCache } from '../cache.js'
import type { CardEvaluation } from './types.js'

const pts = (x: number): number => Math.round(1000 * x) / 10

const SETS = {
  corpus_test: 'paraphrase corpus, test split',
  bench_dev: 'bench/cache/data/pairs.dev.jsonl',
  bench_test: 'bench/cache/data/pairs.test.jsonl',
} as const

export const cacheCard: CardEvaluation = {
  name: 'cache-verifier',
  dataCards: ['training/cache-verifier/DATA_CARD.md', 'models/cache-verifier/README.md'],
  async run() {
    const r = await evaluateCache()
    const figures: Record<string, number> = {}
    const rows: string[] = []
    for (const [key, name] of Object.entries(SETS)) {
      const { end_to_end: e, guard_only: g } = r.sets[name]!
      figures[`${key}_hits`] = pts(e.paraphrase_hit_rate)
      figures[`${key}_not_false_hit`] = pts(1 - e.hard_negative_false_hit_rate)
      figures[`${key}_not_wrong_entry`] = pts(1 - e.wrong_entry / Math.max(1, e.paraphrases))
      rows.push(
        `| \`${name}\` | ${e.hits} / ${e.paraphrases} (${pts(e.paraphrase_hit_rate)} %) | ${e.false_hits} / ${e.hard_negatives} | ${e.wrong_entry} | ${g.hits} / ${g.paraphrases} | ${g.false_hits} / ${g.hard_negatives} |`,
      )
    }
    const markdown = [
      `Through the real cache (memory backend, every request stored, every rewording and hard negative looked up) at the defaults: ${r.embedder}, similarity ≥ ${r.similarity_threshold}, verification ${r.verification} (confidence ≥ ${r.min_confidence}). False hits: hard negatives answered from the cache; wrong entries: rewordings answered with another request's entry (as bad as a false hit).`,
      '',
      '| set | paraphrase hits | false hits (hard negatives) | wrong entries (rewordings) | verifier alone: rewordings accepted | verifier alone: hard negatives accepted |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
    ].join('\n')
    return { figures, markdown }
  },
}
