/**
 * The centre of a set of sentence vectors and their first principal component (power iteration,
 * fixed start and iteration count so a rebuild gives the same numbers). Removing both from a mean
 * of word vectors takes out what every English sentence shares — the SIF recipe's "common
 * direction" — used by the sentence embedding and the cache verifier's meaning feature.
 */
export function centreAndCommonDirection(means: readonly Float32Array[]): {
  centre: Float32Array
  component: Float32Array
} {
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
  return { centre, component: u }
}
