/**
 * The ONNX graph of the embedded jailbreak classifier (the math is in window-model.ts and
 * window-mlp.ts). For each window size W, windows end at every position j and hold the last W
 * tokens (fewer at the start); the best window of any size decides:
 *
 *   c      = U[ids] + pad(Bg[(ids[:, :-1]·V + ids[:, 1:]) mod H]) masked          [B,S]
 *   e      = codes[ids] · scales[ids] masked                  (int8 table)        [B,S,k]
 *   n_j    = Σ mask over the window;  Σ over a window = cumsum_j − cumsum_{j−W}
 *   s_j    = Σ e / √n_j ;  lex_j = Σ c / √n_j
 *   score  = max_j (lex_j + w·relu(A s_j + a₀) − 10⁴·(1 − mask_j)) + bias            [B]
 *   score += conv(x)             (optional, conv-model.ts: int8 table of x_t gathered by id,
 *                                 zero padded w − 1 before and w after, Conv → Relu → max)
 *   x     ← x + softmax(x·Wqᵀ (x·Wkᵀ)ᵀ/√a + key mask)·x·Wvᵀ, masked    (optional, attention.ts:
 *                                 one head of self-attention before the convolution)
 *   logits = [0, score]          → softmax gives P(jailbreak) = σ(score)          [B,2]
 */
import onnxProto from 'onnx-proto'
import { GraphBuilder, bigramBuckets } from '../../lib/onnx-graph.js'
import type { Attention } from './attention.js'
import type { ConvModel, ConvTable } from './conv-model.js'
import type { MlpModel, ProjectedTable } from './window-mlp.js'

const FLOAT = onnxProto.onnx.TensorProto.DataType.FLOAT

export function windowGraph(
  model: MlpModel,
  table: ProjectedTable,
  conv?: { readonly model: ConvModel; readonly table: ConvTable },
): Uint8Array {
  const g = new GraphBuilder()
  const k = table.dim
  g.constant('unigram', [model.vocabSize], model.unigram)
  const axis1 = g.int64([1], [])
  const tokenMask = g.op('Cast', ['attention_mask'], { to: FLOAT })
  // A [B,1] column of zeros (also for an empty sequence), for padding and for the benign logit.
  const rowSum = g.op('ReduceSum', [tokenMask, g.int64([1])], { keepdims: 1 })
  const zeroColumn = g.op('Mul', [rowSum, g.float([0], [])])
  const zeroCell = g.op('Unsqueeze', [zeroColumn, g.int64([2])])
  let c = g.op('Gather', ['unigram', 'input_ids'], { axis: 0 })
  if (model.buckets > 0) {
    g.constant('bigram', [model.buckets], model.bigram)
    const pairs = bigramBuckets(g, model.vocabSize, model.buckets)
    // A pair with a padding token on the right does not exist in the unpadded text.
    const rightMask = g.op('Slice', [tokenMask, g.int64([1]), g.int64([2 ** 62]), g.int64([1])])
    const pairScores = g.op('Mul', [g.op('Gather', ['bigram', pairs.ids], { axis: 0 }), rightMask])
    c = g.op('Add', [c, g.op('Concat', [pairScores, zeroColumn], { axis: 1 })])
  }
  // One masked position at the end, so an empty text has a (penalised) window too: P ≈ 0.
  const mask = g.op('Concat', [tokenMask, zeroColumn], { axis: 1 })
  c = g.op('Concat', [g.op('Mul', [c, tokenMask]), zeroColumn], { axis: 1 })

  g.constant('proj_codes', [table.rows, k], table.codes)
  g.constant('proj_scales', [table.rows, 1], table.scales)
  const codes = g.op('Cast', [g.op('Gather', ['proj_codes', 'input_ids'], { axis: 0 })], {
    to: FLOAT,
  })
  const scales = g.op('Gather', ['proj_scales', 'input_ids'], { axis: 0 })
  const tokenMask3 = g.op('Unsqueeze', [tokenMask, g.int64([2])])
  const eTokens = g.op('Mul', [g.op('Mul', [codes, scales]), tokenMask3])
  const e = g.op('Concat', [eTokens, g.op('Tile', [zeroCell, g.int64([1, 1, k])])], { axis: 1 })

  const length = g.op('Slice', [g.op('Shape', [mask]), g.int64([1]), g.int64([2]), g.int64([0])])
  const windowed = (x: string, zerosShape: number[], zerosFrom: string): string => {
    const cumulative = g.op('CumSum', [x, axis1])
    const zeros = g.op('Tile', [zerosFrom, g.int64(zerosShape)])
    const shiftedFull = g.op('Concat', [zeros, cumulative], { axis: 1 })
    const shifted = g.op('Slice', [shiftedFull, g.int64([0]), length, g.int64([1])])
    return g.op('Sub', [cumulative, shifted])
  }
  const H = model.hidden
  const At = new Float32Array(k * H)
  for (let u = 0; u < H; u++) for (let d = 0; d < k; d++) At[d * H + u] = model.A[u * k + d]!
  g.constant('mlp_A', [k, H], At)
  g.constant('mlp_a0', [H], model.a0)
  g.constant('mlp_w', [H, 1], model.w)
  const penalty = g.op('Mul', [g.op('Sub', [mask, g.float([1], [])]), g.float([1e4], [])])
  const perSize = model.windows.map((W) => {
    const roots = g.op('Sqrt', [
      g.op('Max', [windowed(mask, [1, W], zeroColumn), g.float([1], [])]),
    ])
    const lex = g.op('Div', [windowed(c, [1, W], zeroColumn), roots])
    const s = g.op('Div', [
      windowed(e, [1, W, k], zeroCell),
      g.op('Unsqueeze', [roots, g.int64([2])]),
    ])
    const hidden = g.op('Relu', [g.op('Add', [g.op('MatMul', [s, 'mlp_A']), 'mlp_a0'])])
    const meaning = g.op('Squeeze', [g.op('MatMul', [hidden, 'mlp_w']), g.int64([2])])
    return g.op('Add', [g.op('Add', [lex, meaning]), penalty])
  })
  const windows = perSize.length === 1 ? perSize[0]! : g.op('Concat', perSize, { axis: 1 })
  const best = g.op('ReduceMax', [windows], { axes: [1], keepdims: 1 })
  let score = g.op('Add', [best, g.float([model.bias], [])])
  if (conv) score = g.op('Add', [score, convBranch(g, conv.model, conv.table, tokenMask3)])
  g.op('Concat', [zeroColumn, score], { axis: 1 }, 'logits')
  return g.encode([{ name: 'logits', dims: ['batch', 2] }])
}

/** Row-major [rows × C] as its transpose [C × rows] (what MatMul on [B,S,C] needs). */
function transposed(W: Float32Array, rows: number, C: number): Float32Array {
  const out = new Float32Array(W.length)
  for (let r = 0; r < rows; r++) for (let c = 0; c < C; c++) out[c * rows + r] = W[r * C + c]!
  return out
}

/** y = (x + softmax(q·kᵀ/√a over the text's tokens)·v) masked — attention.ts attend(). */
function attentionBranch(
  g: GraphBuilder,
  layer: Attention,
  C: number,
  x: string,
  tokenMask3: string,
): string {
  const a = layer.size
  g.constant('att_WqT', [C, a], transposed(layer.Wq, a, C))
  g.constant('att_WkT', [C, a], transposed(layer.Wk, a, C))
  g.constant('att_WvT', [C, C], transposed(layer.Wv, C, C))
  const q = g.op('MatMul', [x, 'att_WqT']) // [B,S,a]
  const k = g.op('MatMul', [x, 'att_WkT'])
  const v = g.op('MatMul', [x, 'att_WvT']) // [B,S,C]
  const logits = g.op('Mul', [
    g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 2, 1] })]),
    g.float([1 / Math.sqrt(a)], []),
  ]) // [B,S,S]
  // Padding tokens are no keys: −10⁴ before the softmax (exp underflows to 0 in float32).
  const keyMask = g.op('Transpose', [tokenMask3], { perm: [0, 2, 1] }) // [B,1,S]
  const penalty = g.op('Mul', [g.op('Sub', [keyMask, g.float([1], [])]), g.float([1e4], [])])
  const p = g.op('Softmax', [g.op('Add', [logits, penalty])], { axis: -1 })
  return g.op('Mul', [g.op('Add', [x, g.op('MatMul', [p, v])]), tokenMask3])
}

/** The convolution's score [B,1] (conv-model.ts), from the token mask [B,S,1]. */
function convBranch(g: GraphBuilder, model: ConvModel, table: ConvTable, tokenMask3: string) {
  const C = table.dim
  const w = model.width
  g.constant('conv_codes', [table.rows, C], table.codes)
  g.constant('conv_scales', [table.rows, 1], table.scales)
  const codes = g.op('Cast', [g.op('Gather', ['conv_codes', 'input_ids'], { axis: 0 })], {
    to: FLOAT,
  })
  const scales = g.op('Gather', ['conv_scales', 'input_ids'], { axis: 0 })
  let x = g.op('Mul', [g.op('Mul', [codes, scales]), tokenMask3]) // [B,S,C]
  if (model.layer) x = attentionBranch(g, model.layer, C, x, tokenMask3)
  const channelsFirst = g.op('Transpose', [x], { perm: [0, 2, 1] }) // [B,C,S]
  // K is [F × w × C] (filter, offset, channel); Conv wants [F, C, w].
  const weights = new Float32Array(model.filters * C * w)
  for (let f = 0; f < model.filters; f++)
    for (let o = 0; o < w; o++)
      for (let c = 0; c < C; c++) weights[(f * C + c) * w + o] = model.K[(f * w + o) * C + c]!
  g.constant('conv_K', [model.filters, C, w], weights)
  g.constant('conv_b', [model.filters], model.b)
  g.constant('conv_u', [model.filters, 1], model.u)
  const z = g.op('Conv', [channelsFirst, 'conv_K', 'conv_b'], { pads: [w - 1, w] }) // [B,F,S+w]
  const pooled = g.op('ReduceMax', [g.op('Relu', [z])], { axes: [2], keepdims: 0 }) // [B,F]
  return g.op('Add', [g.op('MatMul', [pooled, 'conv_u']), g.float([model.c], [])]) // [B,1]
}
