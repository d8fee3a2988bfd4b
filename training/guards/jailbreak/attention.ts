/**
 * The contextual layer of the jailbreak convolution (conv-model.ts): one head of self-attention
 * with a residual over the projected token vectors x_t (C channels) of one text,
 *
 *   q_t = Wq·x_t,  k_t = Wk·x_t  (a dims),   v_t = Wv·x_t  (C dims)
 *   p_t = softmax_s(q_t·k_s / √a)            (over the text's tokens only)
 *   y_t = x_t + Σ_s p_{t,s} v_s
 *
 * so a token's vector carries what the rest of the text says about it ("tracker" next to "without
 * her knowing" is not "tracker" next to "check my own car") before the convolution reads it. Word
 * order still comes from the convolution that follows (relative positions within its width).
 * Forward and backward work on caller-owned buffers (AttentionWork): no allocation per text.
 */
export interface Attention {
  /** Query/key size a. */
  readonly size: number
  /** Wq, Wk [a × C], Wv [C × C] (row-major, output rows). */
  readonly Wq: Float32Array
  readonly Wk: Float32Array
  readonly Wv: Float32Array
}

export function initAttention(size: number, C: number, random: () => number): Attention {
  return {
    size,
    Wq: Float32Array.from({ length: size * C }, () => (random() * 2) / Math.sqrt(C)),
    Wk: Float32Array.from({ length: size * C }, () => (random() * 2) / Math.sqrt(C)),
    // Small at the start: y ≈ x, so training starts from the plain convolution.
    Wv: Float32Array.from({ length: C * C }, () => (random() * 0.2) / Math.sqrt(C)),
  }
}

/** Per-text buffers for the longest text read. */
export class AttentionWork {
  readonly q: Float32Array
  readonly k: Float32Array
  readonly v: Float32Array
  readonly p: Float32Array
  readonly dq: Float32Array
  readonly dk: Float32Array
  readonly dv: Float32Array
  readonly da: Float32Array
  constructor(size: number, C: number, maxTokens: number) {
    this.q = new Float32Array(maxTokens * size)
    this.k = new Float32Array(maxTokens * size)
    this.v = new Float32Array(maxTokens * C)
    this.p = new Float32Array(maxTokens * maxTokens)
    this.dq = new Float32Array(maxTokens * size)
    this.dk = new Float32Array(maxTokens * size)
    this.dv = new Float32Array(maxTokens * C)
    this.da = new Float32Array(maxTokens)
  }
}

/** out[r] = Σ_c W[r·C + c]·x[xo + c] for r < rows. */
function matVec(
  W: Float32Array,
  rows: number,
  C: number,
  x: Float32Array,
  xo: number,
  out: Float32Array,
  oo: number,
): void {
  for (let r = 0; r < rows; r++) {
    let z = 0
    const wr = r * C
    for (let c = 0; c < C; c++) z += W[wr + c]! * x[xo + c]!
    out[oo + r] = z
  }
}

/**
 * y rows off..off+n−1 from x rows off..off+n−1 (stride C); y's other rows are left as they are
 * (the caller keeps them zero).
 */
export function attend(
  att: Attention,
  C: number,
  x: Float32Array,
  y: Float32Array,
  off: number,
  n: number,
  w: AttentionWork,
): void {
  const a = att.size
  const scale = 1 / Math.sqrt(a)
  for (let t = 0; t < n; t++) {
    const xo = (off + t) * C
    matVec(att.Wq, a, C, x, xo, w.q, t * a)
    matVec(att.Wk, a, C, x, xo, w.k, t * a)
    matVec(att.Wv, C, C, x, xo, w.v, t * C)
  }
  for (let t = 0; t < n; t++) {
    const row = t * n
    let max = -Infinity
    for (let s = 0; s < n; s++) {
      let z = 0
      for (let d = 0; d < a; d++) z += w.q[t * a + d]! * w.k[s * a + d]!
      z *= scale
      w.p[row + s] = z
      if (z > max) max = z
    }
    let sum = 0
    for (let s = 0; s < n; s++) {
      const e = Math.exp(w.p[row + s]! - max)
      w.p[row + s] = e
      sum += e
    }
    const yo = (off + t) * C
    for (let c = 0; c < C; c++) y[yo + c] = x[yo + c]!
    for (let s = 0; s < n; s++) {
      const ps = w.p[row + s]! / sum
      w.p[row + s] = ps
      const vo = s * C
      for (let c = 0; c < C; c++) y[yo + c] = y[yo + c]! + ps * w.v[vo + c]!
    }
  }
}

export interface AttentionGrads {
  readonly Wq: Float32Array
  readonly Wk: Float32Array
  readonly Wv: Float32Array
}

/**
 * Backward of attend() (its buffers still hold that text's forward values): adds the gradients of
 * Wq, Wk, Wv to g and dL/dx to dx (rows off..off+n−1), given dL/dy in dy.
 */
export function attendBackward(
  att: Attention,
  C: number,
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  off: number,
  n: number,
  w: AttentionWork,
  g: AttentionGrads,
): void {
  const a = att.size
  const scale = 1 / Math.sqrt(a)
  w.dq.fill(0, 0, n * a)
  w.dk.fill(0, 0, n * a)
  w.dv.fill(0, 0, n * C)
  for (let t = 0; t < n; t++) {
    const yo = (off + t) * C
    const row = t * n
    let dot = 0
    for (let s = 0; s < n; s++) {
      const ps = w.p[row + s]!
      const vo = s * C
      let da = 0
      for (let c = 0; c < C; c++) {
        const d = dy[yo + c]!
        da += d * w.v[vo + c]!
        w.dv[vo + c] = w.dv[vo + c]! + ps * d
      }
      w.da[s] = da
      dot += ps * da
    }
    for (let s = 0; s < n; s++) {
      const dz = w.p[row + s]! * (w.da[s]! - dot) * scale
      if (dz === 0) continue
      for (let d = 0; d < a; d++) {
        w.dq[t * a + d] = w.dq[t * a + d]! + dz * w.k[s * a + d]!
        w.dk[s * a + d] = w.dk[s * a + d]! + dz * w.q[t * a + d]!
      }
    }
    // The residual.
    for (let c = 0; c < C; c++) dx[yo + c] = dx[yo + c]! + dy[yo + c]!
  }
  for (let t = 0; t < n; t++) {
    const xo = (off + t) * C
    for (let r = 0; r < a; r++) {
      const dq = w.dq[t * a + r]!
      const dk = w.dk[t * a + r]!
      const wr = r * C
      for (let c = 0; c < C; c++) {
        const xc = x[xo + c]!
        g.Wq[wr + c] = g.Wq[wr + c]! + dq * xc
        g.Wk[wr + c] = g.Wk[wr + c]! + dk * xc
        dx[xo + c] = dx[xo + c]! + att.Wq[wr + c]! * dq + att.Wk[wr + c]! * dk
      }
    }
    for (let r = 0; r < C; r++) {
      const dv = w.dv[t * C + r]!
      if (dv === 0) continue
      const wr = r * C
      for (let c = 0; c < C; c++) {
        g.Wv[wr + c] = g.Wv[wr + c]! + dv * x[xo + c]!
        dx[xo + c] = dx[xo + c]! + att.Wv[wr + c]! * dv
      }
    }
  }
}
