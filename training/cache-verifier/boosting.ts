/**
 * Gradient-boosted regression trees for a binary label (logistic loss, Newton leaf values): small,
 * exact and deterministic. Split candidates are the midpoints between sorted distinct values of
 * each feature (capped by quantiles), so a model trains in seconds on tens of thousands of rows.
 */
import { predictTree, type Forest, type TreeNode } from '../../src/cache/verify/forest.js'

export type { Forest, TreeNode }
export interface BoostOptions {
  readonly trees: number
  readonly depth: number
  readonly rate: number
  readonly minLeaf: number
  readonly l2: number
  readonly sampleWeights?: readonly number[]
  readonly maxBins?: number
}

export function fitForest(
  xs: readonly Float64Array[],
  ys: readonly number[],
  o: BoostOptions,
): Forest {
  const n = xs.length
  const d = xs[0]!.length
  const sw = o.sampleWeights ?? new Array<number>(n).fill(1)
  const cuts = Array.from({ length: d }, (_, f) =>
    candidateCuts(
      xs.map((x) => x[f]!),
      o.maxBins ?? 32,
    ),
  )
  let pos = 0
  let tot = 0
  for (let i = 0; i < n; i++) {
    pos += sw[i]! * ys[i]!
    tot += sw[i]!
  }
  const p0 = Math.min(Math.max(pos / tot, 1e-6), 1 - 1e-6)
  const base = Math.log(p0 / (1 - p0))
  const score = new Float64Array(n).fill(base)
  const trees: TreeNode[] = []
  const all = Array.from({ length: n }, (_, i) => i)
  // Each value's bucket among its feature's cuts, once per fit (x <= cuts[b] ⟺ bucket <= b), and
  // one set of histograms reused by every node: a node costs one pass over its rows.
  const width = Math.max(1, ...cuts.map((c) => c.length + 1))
  const bins = new Uint16Array(n * d)
  for (let i = 0; i < n; i++)
    for (let f = 0; f < d; f++) bins[i * d + f] = bucket(cuts[f]!, xs[i]![f]!)
  const gl = new Float64Array(d * width)
  const hl = new Float64Array(d * width)
  const cl = new Int32Array(d * width)
  const g = new Float64Array(n)
  const h = new Float64Array(n)
  for (let t = 0; t < o.trees; t++) {
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-score[i]!))
      g[i] = sw[i]! * (p - ys[i]!)
      h[i] = sw[i]! * Math.max(p * (1 - p), 1e-6)
    }
    const tree = grow(all, 0)
    trees.push(tree)
    for (let i = 0; i < n; i++) score[i]! += o.rate * predictTree(tree, xs[i]!)
  }

  function grow(rows: number[], depth: number): TreeNode {
    let G = 0
    let H = 0
    for (const i of rows) {
      G += g[i]!
      H += h[i]!
    }
    const leaf = { value: -G / (H + o.l2) }
    if (depth >= o.depth || rows.length < 2 * o.minLeaf) return leaf
    const parent = (G * G) / (H + o.l2)
    gl.fill(0)
    hl.fill(0)
    cl.fill(0)
    for (const i of rows) {
      const gi = g[i]!
      const hi = h[i]!
      for (let f = 0, at = i * d; f < d; f++) {
        const k = f * width + bins[at + f]!
        gl[k]! += gi
        hl[k]! += hi
        cl[k]!++
      }
    }
    let best = { gain: 1e-9, feature: -1, cut: 0, threshold: 0 }
    for (let f = 0; f < d; f++) {
      const cs = cuts[f]!
      let gL = 0
      let hL = 0
      let cL = 0
      for (let b = 0; b < cs.length; b++) {
        const k = f * width + b
        gL += gl[k]!
        hL += hl[k]!
        cL += cl[k]!
        const cR = rows.length - cL
        if (cL < o.minLeaf || cR < o.minLeaf) continue
        const gR = G - gL
        const hR = H - hL
        const gain = (gL * gL) / (hL + o.l2) + (gR * gR) / (hR + o.l2) - parent
        if (gain > best.gain) best = { gain, feature: f, cut: b, threshold: cs[b]! }
      }
    }
    if (best.feature < 0) return leaf
    const left = rows.filter((i) => bins[i * d + best.feature]! <= best.cut)
    const right = rows.filter((i) => bins[i * d + best.feature]! > best.cut)
    return {
      feature: best.feature,
      threshold: best.threshold,
      left: grow(left, depth + 1),
      right: grow(right, depth + 1),
    }
  }
  return { base, rate: o.rate, trees }
}

function candidateCuts(values: number[], maxBins: number): number[] {
  const distinct = [...new Set(values)].sort((a, b) => a - b)
  if (distinct.length <= 1) return []
  const mids: number[] = []
  for (let i = 0; i + 1 < distinct.length; i++) mids.push((distinct[i]! + distinct[i + 1]!) / 2)
  if (mids.length <= maxBins) return mids
  const sorted = [...values].sort((a, b) => a - b)
  const out = new Set<number>()
  for (let q = 1; q < maxBins; q++) {
    const v = sorted[Math.floor((q / maxBins) * sorted.length)]!
    const k = mids.findIndex((m) => m >= v)
    if (k >= 0) out.add(mids[k]!)
  }
  return [...out].sort((a, b) => a - b)
}

/** Index of the first cut >= v (values equal to a cut go left of it). */
function bucket(cuts: readonly number[], v: number): number {
  let lo = 0
  let hi = cuts.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (v <= cuts[mid]!) hi = mid
    else lo = mid + 1
  }
  return lo
}
