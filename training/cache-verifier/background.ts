/**
 * The common part of every question's mean word vector: the centre of the training texts' means
 * and their first principal component. Without removing it every two English questions have a
 * mean-vector cosine near 0.9 (SIF, Arora et al.); with it removed the cosine separates a
 * rewording from a different request far better. Deterministic (power iteration from a fixed
 * start).
 */
import type { Analysis } from '../../src/cache/verify/analysis.js'
import { centreAndCommonDirection } from '../lib/common-direction.js'

export function meaningBackground(analyses: readonly Analysis[]): {
  centre: Float32Array
  component: Float32Array
} {
  const means = analyses.map((a) => a.meaning).filter((m) => m.some((x) => x !== 0))
  const { centre, component: u } = centreAndCommonDirection(means)
  const round = (v: Float32Array) => v.map((x) => +x.toPrecision(6))
  return { centre: round(centre), component: round(u) }
}
