/**
 * Upstream's entropy-based reasoning decision (`pkg/utils/entropy`): when the category classifier is
 * unsure (a flat probability distribution), lean towards reasoning; when it is sure, follow the
 * top category's configuration. Thresholds and reason strings are upstream's, so dashboards built on
 * `llm_entropy_classification_decisions_total` keep working.
 */
import type { CategoryProbability } from '../classify/types.js'

export type UncertaintyLevel = 'very_high' | 'high' | 'medium' | 'low' | 'very_low'

export interface EntropyDecision {
  readonly useReasoning: boolean
  readonly confidence: number
  readonly reason: string
  readonly level: UncertaintyLevel
  /** Shannon entropy in bits. */
  readonly entropy: number
  readonly normalizedEntropy: number
  readonly topCategory: string
  readonly distributionValid: { sum: boolean; nonNegative: boolean }
}

export function shannonEntropy(probabilities: readonly number[]): number {
  let h = 0
  for (const p of probabilities) if (p > 0) h -= p * Math.log2(p)
  return h
}

export function uncertaintyLevel(normalized: number): UncertaintyLevel {
  if (normalized >= 0.8) return 'very_high'
  if (normalized >= 0.6) return 'high'
  if (normalized >= 0.4) return 'medium'
  if (normalized >= 0.2) return 'low'
  return 'very_low'
}

/**
 * @param distribution probabilities with generic (translated) category names
 * @param reasoningByCategory lower-cased category name → whether that category uses reasoning
 * @param threshold the category model's confidence threshold
 */
export function decideByEntropy(
  distribution: readonly CategoryProbability[],
  reasoningByCategory: ReadonlyMap<string, boolean>,
  threshold: number,
): EntropyDecision {
  const sorted = [...distribution].sort((a, b) => b.probability - a.probability)
  const probs = sorted.map((d) => d.probability)
  const sum = probs.reduce((a, b) => a + b, 0)
  const distributionValid = {
    sum: Math.abs(sum - 1) < 0.01,
    nonNegative: probs.every((p) => p >= 0),
  }
  const entropy = shannonEntropy(probs)
  const normalizedEntropy = probs.length > 1 ? entropy / Math.log2(probs.length) : 0
  const level = uncertaintyLevel(normalizedEntropy)
  const top = sorted[0]
  const topCategory = top?.category ?? ''
  const base = { level, entropy, normalizedEntropy, topCategory, distributionValid }

  const flag = (name: string): boolean | undefined => reasoningByCategory.get(name.toLowerCase())
  const weighted = (k: number): number => {
    let yes = 0
    let total = 0
    for (const d of sorted.slice(0, k)) {
      total += d.probability
      if (flag(d.category) === true) yes += d.probability
    }
    return total > 0 ? yes / total : 0
  }

  if (!top) return { ...base, useReasoning: false, confidence: 0, reason: 'empty_distribution' }
  switch (level) {
    case 'very_high':
      return {
        ...base,
        useReasoning: true,
        confidence: 0.3,
        reason: 'very_high_uncertainty_conservative_default',
      }
    case 'high': {
      const score = weighted(2)
      return {
        ...base,
        useReasoning: score > 0.5,
        confidence: Math.max(score, 1 - score),
        reason: 'high_uncertainty_weighted_decision',
      }
    }
    case 'medium': {
      if (top.probability >= threshold) {
        return {
          ...base,
          useReasoning: flag(top.category) ?? false,
          confidence: top.probability * 0.8,
          reason: 'medium_uncertainty_top_category_above_threshold',
        }
      }
      const score = weighted(3)
      return {
        ...base,
        useReasoning: score > 0.5,
        confidence: Math.max(score, 1 - score),
        reason: 'medium_uncertainty_weighted',
      }
    }
    case 'low':
    case 'very_low': {
      const topFlag = flag(top.category)
      if (topFlag === undefined)
        return {
          ...base,
          useReasoning: false,
          confidence: top.probability,
          reason: 'category_not_in_reasoning_map',
        }
      return {
        ...base,
        useReasoning: topFlag,
        confidence: top.probability * (level === 'low' ? 0.9 : 0.95),
        reason: `${level}_uncertainty_trust_classification`,
      }
    }
  }
}
