/**
 * Calibration of the category probabilities on the dev split, and the routing threshold derived
 * from it.
 *
 * - **Temperature scaling**: one T minimising the dev negative log-likelihood of softmax(z / T).
 *   It changes no ranking (top-1 is unchanged) and is folded into the graph, so the probabilities
 *   the runtime reports are the calibrated ones.
 * - **Threshold**: on the calibrated dev confidences, an isotonic (monotone) fit of "top choice is
 *   right" against confidence; the threshold is the lowest confidence at which the fit reaches
 *   1/2. Below it the model's top choice is wrong more often than right — "genuinely unsure" —
 *   and the request goes to the default model.
 */
import { logits, softmaxOf, type SoftmaxModel } from '../lib/softmax.js'
import type { Example } from './features.js'

export interface Scored {
  readonly label: number
  readonly kind: string
  readonly top: number
  readonly z: Float32Array
  confidence(temperature: number): number
}

export function scoreSplit(
  model: SoftmaxModel,
  examples: readonly Example[],
  split: string,
): Scored[] {
  return examples
    .filter((e) => e.split === split)
    .map((e) => {
      const z = logits(model, e)
      let top = 0
      for (let k = 1; k < z.length; k++) if (z[k]! > z[top]!) top = k
      return {
        label: e.label,
        kind: e.kind,
        top,
        z,
        confidence: (t: number) => softmaxOf(z, t)[top]!,
      }
    })
}

export function negativeLogLikelihood(scored: readonly Scored[], temperature: number): number {
  let sum = 0
  for (const s of scored) sum -= Math.log(Math.max(1e-12, softmaxOf(s.z, temperature)[s.label]!))
  return sum / scored.length
}

/** Golden-section search on log T in [1/20, 20]. */
export function fitTemperature(scored: readonly Scored[]): number {
  let lo = Math.log(0.05)
  let hi = Math.log(20)
  const phi = (Math.sqrt(5) - 1) / 2
  const f = (x: number) => negativeLogLikelihood(scored, Math.exp(x))
  let a = hi - phi * (hi - lo)
  let b = lo + phi * (hi - lo)
  let fa = f(a)
  let fb = f(b)
  for (let i = 0; i < 60; i++) {
    if (fa < fb) {
      hi = b
      b = a
      fb = fa
      a = hi - phi * (hi - lo)
      fa = f(a)
    } else {
      lo = a
      a = b
      fa = fb
      b = lo + phi * (hi - lo)
      fb = f(b)
    }
  }
  return Math.exp((lo + hi) / 2)
}

/** Expected calibration error over 10 equal-width confidence bins. */
export function expectedCalibrationError(scored: readonly Scored[], temperature: number): number {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, ok: 0 }))
  for (const s of scored) {
    const c = s.confidence(temperature)
    const bin = bins[Math.min(9, Math.floor(c * 10))]!
    bin.n++
    bin.conf += c
    bin.ok += s.top === s.label ? 1 : 0
  }
  return bins.reduce(
    (e, b) => e + (b.n === 0 ? 0 : ((b.n / scored.length) * Math.abs(b.ok - b.conf)) / b.n),
    0,
  )
}

/** Pool-adjacent-violators: non-decreasing fit of ys (ordered by x). */
export function isotonic(ys: readonly number[]): number[] {
  const blocks: { sum: number; n: number }[] = []
  for (const y of ys) {
    blocks.push({ sum: y, n: 1 })
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1]!
      const prev = blocks[blocks.length - 2]!
      if (prev.sum / prev.n <= last.sum / last.n) break
      blocks.pop()
      prev.sum += last.sum
      prev.n += last.n
    }
  }
  return blocks.flatMap((b) => Array<number>(b.n).fill(b.sum / b.n))
}

/** Lowest calibrated confidence (2 decimals) at which the isotonic accuracy reaches 1/2. */
export function routingThreshold(scored: readonly Scored[], temperature: number): number {
  const points = scored
    .map((s) => ({ c: s.confidence(temperature), ok: s.top === s.label ? 1 : 0 }))
    .sort((a, b) => a.c - b.c)
  const fit = isotonic(points.map((p) => p.ok))
  const i = fit.findIndex((v) => v >= 0.5)
  if (i <= 0) return 0
  return Math.floor(points[i]!.c * 100) / 100
}
