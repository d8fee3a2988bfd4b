/** Turning raw model outputs into results: softmax, BIO span merging, pooling. Pure functions. */

/** Numerically stable softmax of `logits[from .. from+n)`. */
export function softmax(
  logits: ArrayLike<number>,
  from = 0,
  n = logits.length - from,
): Float32Array {
  let max = -Infinity
  for (let i = 0; i < n; i++) max = Math.max(max, logits[from + i]!)
  const out = new Float32Array(n)
  let sum = 0
  for (let i = 0; i < n; i++) {
    const e = Math.exp(logits[from + i]! - max)
    out[i] = e
    sum += e
  }
  for (let i = 0; i < n; i++) out[i] = out[i]! / sum
  return out
}

export interface TokenPrediction {
  /** Character offsets of the token in the original text. */
  readonly start: number
  readonly end: number
  readonly label: string
  readonly score: number
}

export interface EntitySpan {
  readonly type: string
  readonly start: number
  readonly end: number
  /** Mean of the member tokens' scores (upstream averages the confidences). */
  readonly confidence: number
}

/** `B-EMAIL_ADDRESS` → ['B', 'EMAIL_ADDRESS']; a bare `EMAIL_ADDRESS` counts as inside. */
export function splitBio(label: string): ['B' | 'I' | 'O', string] {
  if (label === 'O' || label === '') return ['O', '']
  const m = /^([BIES])[-_](.+)$/.exec(label)
  if (!m) return ['I', label]
  const tag = m[1] === 'B' || m[1] === 'S' ? 'B' : 'I'
  return [tag, m[2]!]
}

/**
 * Merge per-token BIO predictions (special tokens already removed, in text order) into entity
 * spans. `B-X` opens an entity; `I-X` extends an open X (an `I-X` with no open X opens one, as
 * the usual "simple" aggregation does); `O` or another type closes it.
 */
export function mergeBio(tokens: readonly TokenPrediction[]): EntitySpan[] {
  interface Open {
    type: string
    start: number
    end: number
    sum: number
    n: number
  }
  const spans: EntitySpan[] = []
  const finish = (o: Open): void => {
    spans.push({ type: o.type, start: o.start, end: o.end, confidence: o.sum / o.n })
  }
  let open = null as Open | null
  for (const t of tokens) {
    const [tag, type] = splitBio(t.label)
    if (tag === 'I' && open?.type === type) {
      open.end = Math.max(open.end, t.end)
      open.sum += t.score
      open.n += 1
      continue
    }
    if (open) finish(open)
    open = tag === 'O' ? null : { type, start: t.start, end: t.end, sum: t.score, n: 1 }
  }
  if (open) finish(open)
  return spans
}

/** Mean over positions whose mask is 1 of `hidden[b]` ([seq, dim] row-major), then L2-normalise. */
export function meanPoolNormalise(
  hidden: Float32Array,
  mask: ArrayLike<number>,
  seq: number,
  dim: number,
  batchIndex: number,
): Float32Array {
  const out = new Float32Array(dim)
  let count = 0
  const base = batchIndex * seq * dim
  for (let s = 0; s < seq; s++) {
    if (!mask[batchIndex * seq + s]) continue
    count++
    const row = base + s * dim
    for (let d = 0; d < dim; d++) out[d] = out[d]! + hidden[row + d]!
  }
  if (count > 0) for (let d = 0; d < dim; d++) out[d] = out[d]! / count
  return l2Normalise(out)
}

export function l2Normalise(v: Float32Array): Float32Array {
  let sq = 0
  for (let i = 0; i < v.length; i++) sq += v[i]! * v[i]!
  const norm = Math.sqrt(sq)
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm
  return v
}
