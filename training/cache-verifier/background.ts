/**
 * The common part of every question's mean word vector: the centre of the training texts' means
 * and their first principal component. Without removing it every two English questions have a
 * mean-vector cosine near 0.9 (SIF, Arora et al.); with it removed the cosine separates a
 * rewording from a different request far better. Deterministic (power iteration from a fixed
 * start).
 */
import type { Analysis } from '../../src/cache/verify/analysis.js'

export function meaningBackground(analyses: readonly Analysis[]): {
  centre: Float32Array
  component: Float32Array
} {
  const means = analyses.map((a) => a.meaning).filter((m) => m.some((x) => x !== 0))
  const D = means[0]!.length
  const centre = new Float32Array(D)
  for (const m of means) for (let d = 0; d < D; d++) centre[d] = centre[d]! + m[d]! / means.length
  let u = Float32Array.from({ length: D }, (_, d) => 1 / Math.sqrt(D) + (d % 2 ? 1e-3 : -1e-3))
  for (let it = 0; it < 100; it++) {
    const next = new Float32Array(D)
    for (const m of means) {
      let along = 0
      for (let d = 0; d < D; d++) along += (m[d]! - centre[d]!) * u[d]!
      for (let d = 0; d < D; d++) next[d] = next[d]! + along * (m[d]! - centre[d]!)
    }
    const n = Math.sqrt(next.reduce((s, x) => s + x * x, 0))
    u = next.map((x) => x / n)
  }
  const round = (v: Float32Array) => v.map((x) => +x.toPrecision(6))
  return { centre: round(centre), component: round(u) }
}
