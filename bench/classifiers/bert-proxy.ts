/**
 * A BERT-base-sized sequence classifier with random weights (12 layers, hidden 768, FFN 3072,
 * vocabulary 30,522, 512 positions, 14 labels), written as an ONNX file in Hugging Face layout so
 * the benchmark can run the router's loader on a realistically sized model. Attention is computed
 * as one 768-wide head: the same FLOPs as 12 heads of 64. FFN activation is ReLU (opset 17 has no
 * GELU op; the cost is the same order). The weights are noise: only the timing means anything.
 */
import { GraphBuilder } from '../../training/lib/onnx-graph.js'
import { SPECIAL_TOKENS, writeHfFolder } from '../../training/lib/hf-folder.js'

const LAYERS = 12
const HIDDEN = 768
const FFN = 3072
const VOCAB = 30522
const POSITIONS = 512

function randomWeights(n: number, scale: number, seed: number): Float32Array {
  const out = new Float32Array(n)
  let s = seed >>> 0
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = ((s / 4294967296) * 2 - 1) * scale
  }
  return out
}

export function writeBertProxy(dir: string, labels: readonly string[]): void {
  const g = new GraphBuilder()
  let seed = 1
  const w = (name: string, dims: number[], scale = 0.02): string =>
    g.constant(
      name,
      dims,
      randomWeights(
        dims.reduce((a, b) => a * b, 1),
        scale,
        seed++,
      ),
    )
  const ones = (name: string, n: number): string =>
    g.constant(name, [n], new Float32Array(n).fill(1))
  const zeros = (name: string, n: number): string => g.constant(name, [n], new Float32Array(n))
  const layerNorm = (x: string, i: string): string =>
    g.op('LayerNormalization', [x, ones(`ln_g_${i}`, HIDDEN), zeros(`ln_b_${i}`, HIDDEN)], {
      axis: -1,
      epsilon: { float: 1e-12 },
    })

  const tok = g.op('Gather', [w('word_emb', [VOCAB, HIDDEN]), 'input_ids'], { axis: 0 })
  const seqLen = g.op('Gather', [g.op('Shape', ['input_ids']), g.int64([1], [])], { axis: 0 })
  const positions = g.op('Range', [g.int64([0], []), seqLen, g.int64([1], [])])
  const pos = g.op('Gather', [w('pos_emb', [POSITIONS, HIDDEN]), positions], { axis: 0 })
  let h = layerNorm(g.op('Add', [tok, pos]), 'emb')
  // Additive attention mask: 0 where attended, -1e4 on padding; [B,1,S].
  const maskF = g.op('Cast', ['attention_mask'], { to: 1 })
  const bias = g.op('Unsqueeze', [
    g.op('Mul', [g.op('Sub', [maskF, g.float([1], [])]), g.float([10000], [])]),
    g.int64([1]),
  ])
  const scale = g.float([1 / Math.sqrt(64)], [])
  for (let l = 0; l < LAYERS; l++) {
    const q = g.op('MatMul', [h, w(`q${l}`, [HIDDEN, HIDDEN])])
    const k = g.op('MatMul', [h, w(`k${l}`, [HIDDEN, HIDDEN])])
    const v = g.op('MatMul', [h, w(`v${l}`, [HIDDEN, HIDDEN])])
    const scores = g.op('Add', [
      g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 2, 1] })]), scale]),
      bias,
    ])
    const ctx = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v])
    h = layerNorm(g.op('Add', [h, g.op('MatMul', [ctx, w(`o${l}`, [HIDDEN, HIDDEN])])]), `a${l}`)
    const up = g.op('Relu', [
      g.op('Add', [g.op('MatMul', [h, w(`f1_${l}`, [HIDDEN, FFN])]), zeros(`f1b_${l}`, FFN)]),
    ])
    h = layerNorm(g.op('Add', [h, g.op('MatMul', [up, w(`f2_${l}`, [FFN, HIDDEN])])]), `f${l}`)
  }
  const cls = g.op('Gather', [h, g.int64([0], [])], { axis: 1 })
  g.op('MatMul', [cls, w('head', [HIDDEN, labels.length])], {}, 'logits')
  const vocab = [
    ...SPECIAL_TOKENS,
    ...'abcdefghijklmnopqrstuvwxyz'.split(''),
    ...'abcdefghijklmnopqrstuvwxyz'.split('').map((c) => `##${c}`),
  ]
  for (let i = vocab.length; vocab.length < 2000; i++) vocab.push(`w${i}`)
  writeHfFolder({
    dir,
    modelType: 'bert',
    labels,
    vocab,
    maxLength: POSITIONS,
    onnx: g.encode([{ name: 'logits', dims: ['batch', labels.length] }]),
    extraConfig: {
      hidden_size: HIDDEN,
      num_hidden_layers: LAYERS,
      intermediate_size: FFN,
      vocab_size: VOCAB,
    },
  })
}
