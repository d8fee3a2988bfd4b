/**
 * `embedding_rules`: cosine similarity between the text and each rule's reference phrases, combined
 * per rule by `aggregation_method` (mean | max | any; upstream's `avg` is read as mean). A rule
 * matches when the aggregate reaches its threshold (`any`: when any phrase does); the best-scoring
 * matching rule wins, its score being the confidence. Reference phrases are embedded once, on first
 * use, with the shared embedder.
 */
import type { EmbeddingRuleConfig } from '../../config/schema/index.js'
import { dot, type Embedder } from '../../embeddings/types.js'
import type { CategoryClassification, CategoryClassifier, ClassifyInput } from '../types.js'

interface PreparedRule {
  readonly index: number
  readonly rule: EmbeddingRuleConfig
  readonly vectors: readonly Float32Array[]
}

export function aggregate(
  method: EmbeddingRuleConfig['aggregation_method'],
  similarities: readonly number[],
  threshold: number,
): { score: number; matched: boolean } {
  if (similarities.length === 0) return { score: 0, matched: false }
  const max = Math.max(...similarities)
  if (method === 'max') return { score: max, matched: max >= threshold }
  if (method === 'any') return { score: max, matched: similarities.some((s) => s >= threshold) }
  const mean = similarities.reduce((a, b) => a + b, 0) / similarities.length
  return { score: mean, matched: mean >= threshold }
}

export class EmbeddingRuleClassifier implements CategoryClassifier {
  readonly kind = 'embedding'
  readonly labels: readonly string[]
  private readonly rules: readonly EmbeddingRuleConfig[]
  private readonly getEmbedder: () => Promise<Embedder>
  private prepared: Promise<{ embedder: Embedder; rules: PreparedRule[] }> | undefined

  constructor(rules: readonly EmbeddingRuleConfig[], getEmbedder: () => Promise<Embedder>) {
    this.rules = rules
    this.getEmbedder = getEmbedder
    this.labels = [...new Set(rules.map((r) => r.category))]
  }

  private prepare(): Promise<{ embedder: Embedder; rules: PreparedRule[] }> {
    this.prepared ??= (async () => {
      const embedder = await this.getEmbedder()
      const rules = await Promise.all(
        this.rules.map(async (rule, index) => ({
          index,
          rule,
          vectors: await embedder.embed(rule.keywords),
        })),
      )
      return { embedder, rules }
    })()
    // A failed preparation (e.g. model not loadable) is retried on the next request.
    this.prepared.catch(() => {
      this.prepared = undefined
    })
    return this.prepared
  }

  async classify(input: ClassifyInput): Promise<CategoryClassification | null> {
    const { embedder, rules } = await this.prepare()
    const [query] = await embedder.embed([input.text], input.signal)
    if (!query) return null
    let best: { score: number; rule: PreparedRule } | undefined
    for (const prepared of rules) {
      const sims = prepared.vectors.map((v) => dot(query, v))
      const { score, matched } = aggregate(
        prepared.rule.aggregation_method,
        sims,
        prepared.rule.threshold,
      )
      if (matched && (!best || score > best.score)) best = { score, rule: prepared }
    }
    if (!best) return null
    return {
      category: best.rule.rule.category,
      confidence: Math.min(1, Math.max(0, best.score)),
      source: this.kind,
      detail: `embedding_rules[${best.rule.index}]`,
    }
  }
}
