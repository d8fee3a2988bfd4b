/**
 * What the endpoint policies share: which candidates may be picked, weighted sampling (a weight is
 * the endpoint's share of its model's traffic) and the policies' random source (seedable, so tests
 * and benchmarks repeat).
 */
import { z } from 'zod'
import { seededRandom } from '../../seeded-random.js'
import type { EndpointCandidate, EndpointPickContext } from './types.js'

/** Candidates that may get the request: not excluded, weight above 0. */
export function usable(
  candidates: readonly EndpointCandidate[],
  context: EndpointPickContext,
): EndpointCandidate[] {
  return candidates.filter((c) => isUsable(c, context))
}

/** A candidate with a positive weight that this pick does not exclude (tried already, say). */
export function isUsable(c: EndpointCandidate, context: EndpointPickContext): boolean {
  return c.weight > 0 && !context.exclude?.has(c.target.name)
}

/** One candidate, each with probability weight / total weight (`list` non-empty, weights > 0). */
export function weightedSample(
  list: readonly EndpointCandidate[],
  random: () => number,
): EndpointCandidate {
  let total = 0
  for (const c of list) total += c.weight
  let r = random() * total
  for (const c of list) {
    r -= c.weight
    if (r < 0) return c
  }
  return list[list.length - 1]!
}

/** The candidate with the lowest score (ties: a weighted draw among the tied; `list` non-empty). */
export function lowest(
  list: readonly EndpointCandidate[],
  score: (c: EndpointCandidate) => number,
  random: () => number,
): EndpointCandidate {
  let best: EndpointCandidate[] = []
  let min = Infinity
  for (const c of list) {
    const s = score(c)
    if (s < min) {
      min = s
      best = [c]
    } else if (s === min) best.push(c)
  }
  return weightedSample(best.length > 0 ? best : list, random)
}

/** `seed` option of the randomised policies (omitted: Math.random). */
export const seedOption = z.number().int().nonnegative().optional()

export function randomSource(seed: number | undefined): () => number {
  return seed === undefined ? Math.random : seededRandom(seed)
}
