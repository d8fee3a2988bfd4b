/**
 * `complexity`: how hard the prompt is, as a level per rule (`<rule>:easy|medium|hard`).
 *  - A rule with `hard` / `easy` candidates (upstream's form): margin = best similarity to the
 *    hard candidates − best similarity to the easy ones; above `threshold` is hard, below
 *    −threshold easy, else medium.
 *  - A rule without candidates (ours): the entropy of the category classifier's distribution, the
 *    signal the classic reasoning decision uses — very high or high uncertainty is hard, medium is
 *    medium, low is easy. Needs a model classifier (a rule answer has no distribution: no level).
 * A rule's `composer` is applied by the decision rules (src/decisions/rules.ts), not here.
 */
import type { ClassifierChain } from '../classify/chain.js'
import { complexitySignalSchema } from '../config/schema/v03/signals.js'
import { dot, type Embedder } from '../embeddings/types.js'
import { shannonEntropy, uncertaintyLevel } from '../reasoning/entropy.js'
import type { z } from 'zod'
import { classification } from './domain.js'
import { queryEmbedding } from './embedding.js'
import type { SignalInput, SignalPlugin } from './types.js'

type ComplexityRule = z.output<typeof complexitySignalSchema>
type Level = 'easy' | 'medium' | 'hard'

interface PreparedRule {
  readonly rule: ComplexityRule
  readonly hard: readonly Float32Array[]
  readonly easy: readonly Float32Array[]
}

const best = (query: Float32Array, vectors: readonly Float32Array[]): number =>
  vectors.reduce((m, v) => Math.max(m, dot(query, v)), 0)

export function levelFromMargin(margin: number, threshold: number): Level {
  return margin > threshold ? 'hard' : margin < -threshold ? 'easy' : 'medium'
}

async function entropyLevel(
  input: SignalInput,
  classifiers: ClassifierChain,
): Promise<Level | undefined> {
  const result = await classification(input, classifiers)
  const probs = result?.distribution?.map((d) => d.probability) ?? []
  if (probs.length < 2) return undefined
  const level = uncertaintyLevel(shannonEntropy(probs) / Math.log2(probs.length))
  return level === 'very_high' || level === 'high' ? 'hard' : level === 'medium' ? 'medium' : 'easy'
}

export const complexitySignal: SignalPlugin<ComplexityRule> = {
  kind: 'complexity',
  family: 'complexity',
  cost: 'model',
  description: 'easy / medium / hard, from hard-vs-easy example similarity or classifier entropy',
  optionsSchema: complexitySignalSchema,
  async create({ services, classifiers }, rules) {
    const withCandidates = rules.filter(
      (r) => (r.hard?.candidates.length ?? 0) + (r.easy?.candidates.length ?? 0) > 0,
    )
    const entropyRules = rules.filter((r) => !withCandidates.includes(r))
    let embedder: Embedder | undefined
    let prepared: PreparedRule[] = []
    if (withCandidates.length > 0) {
      const e = await services.embedder()
      embedder = e
      prepared = await Promise.all(
        withCandidates.map(async (rule) => ({
          rule,
          hard: await e.embed(rule.hard?.candidates ?? []),
          easy: await e.embed(rule.easy?.candidates ?? []),
        })),
      )
    }
    return {
      async evaluate(input) {
        const matches = new Map<string, number>()
        if (input.text === '') return { matches }
        const [query, fromEntropy] = await Promise.all([
          embedder && prepared.length > 0 ? queryEmbedding(input, embedder) : undefined,
          entropyRules.length > 0 ? entropyLevel(input, classifiers) : undefined,
        ])
        if (query)
          for (const p of prepared)
            matches.set(
              `${p.rule.name}:${levelFromMargin(best(query, p.hard) - best(query, p.easy), p.rule.threshold)}`,
              1,
            )
        if (fromEntropy) for (const r of entropyRules) matches.set(`${r.name}:${fromEntropy}`, 1)
        return { matches }
      },
    }
  },
}
