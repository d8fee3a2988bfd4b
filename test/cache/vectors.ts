/** Deterministic unit vectors with controlled cosine similarity, for cache tests and benchmarks. */

import { seededRandom } from '../../src/seeded-random.js'

export { seededRandom }

export function normalise(v: Float32Array): Float32Array {
  let n = 0
  for (const x of v) n += x * x
  n = Math.sqrt(n) || 1
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / n
  return v
}

export function randomUnit(dim: number, rand: () => number): Float32Array {
  const v = new Float32Array(dim)
  for (let i = 0; i < dim; i++) {
    // Box-Muller: uniform directions on the sphere.
    const u = Math.max(rand(), 1e-12)
    v[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand())
  }
  return normalise(v)
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

/** A unit vector whose cosine with `v` is exactly `cos`. */
export function withSimilarity(v: Float32Array, cos: number, rand: () => number): Float32Array {
  const r = randomUnit(v.length, rand)
  const proj = dot(r, v)
  const u = new Float32Array(v.length)
  for (let i = 0; i < v.length; i++) u[i] = r[i]! - proj * v[i]!
  normalise(u)
  const sin = Math.sqrt(Math.max(0, 1 - cos * cos))
  const out = new Float32Array(v.length)
  for (let i = 0; i < v.length; i++) out[i] = cos * v[i]! + sin * u[i]!
  return normalise(out)
}

/** A clock that advances 1 ms per reading, so insert order is strictly ordered in time. */
export class TestClock {
  constructor(public ms = 1_700_000_000_000) {}
  readonly now = (): number => ++this.ms
  advance(seconds: number): void {
    this.ms += seconds * 1000
  }
}
