/**
 * `embedding`: cosine similarity of the prompt to each rule's candidate phrases, combined by
 * `aggregation_method` (mean | max | any) against the rule's threshold. Only the best
 * `embedding_config.top_k` matching rules are reported (upstream's default 1; 0 = all), each with
 * its similarity as confidence. Candidates are embedded once, when the signal is built.
 */
import { aggregate } from '../classify/embedding/embedding-classifier.js'
import { embeddingSignalSchema } from '../config/schema/v03/signals.js'
import { dot, type Embedder } from '../embeddings/types.js'
import type { z } from 'zod'
import { shared, type SignalInput, type SignalPlugin } from './types.js'

type EmbeddingRule = z.output<typeof embeddingSignalSchema>

const QUERY_MEMO = 'query_embedding'

/** The prompt's embedding (one per request, shared with `complexity`). */
export function queryEmbedding(
  input: SignalInput,
  embedder: Embedder,
): Promise<Float32Array | undefined> {
  return shared(input, QUERY_MEMO, () =>
    embedder.embed([input.text], input.signal).then(([v]) => v),
  )
}

export const embeddingSignal: SignalPlugin<EmbeddingRule> = {
  kind: 'embedding',
  family: 'embeddings',
  cost: 'model',
  description: 'similarity of the prompt to candidate phrases',
  optionsSchema: embeddingSignalSchema,
  async create({ config, services }, rules) {
    const topK = config.v03?.embeddingTopK ?? 1
    const embedder = await services.embedder()
    const textRules = rules.filter((r) => r.query_modality === 'text')
    const prepared = await Promise.all(
      textRules.map(async (rule) => ({ rule, vectors: await embedder.embed(rule.candidates) })),
    )
    return {
      async evaluate(input) {
        const matches = new Map<string, number>()
        if (input.text === '' || prepared.length === 0) return { matches }
        const query = await queryEmbedding(input, embedder)
        if (!query) return { matches }
        const scored = prepared
          .map(({ rule, vectors }) => ({
            name: rule.name,
            ...aggregate(
              rule.aggregation_method,
              vectors.map((v) => dot(query, v)),
              rule.threshold,
            ),
          }))
          .filter((s) => s.matched)
          .sort((a, b) => b.score - a.score)
        for (const s of topK === 0 ? scored : scored.slice(0, topK))
          matches.set(s.name, Math.min(1, Math.max(0, s.score)))
        return { matches }
      },
    }
  },
}
