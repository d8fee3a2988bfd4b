/**
 * Reads the built word-vector model (models/word-vectors) back for training: vocabulary, the int8
 * table with its scales and pooling weights, and a tokenizer that gives exactly the ids the model
 * sees at run time. Trainers (category, jailbreak, cache) compute their features from this and put
 * the same table into their own graph with `addVectorTable` (training/word-vectors/graph.ts).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import onnxProto from 'onnx-proto'
import { Tokenizer } from 'tokenizers'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'
import { AsciiWordPiece } from '../../src/ml/worker/ascii-wordpiece.js'
import type { QuantizedTable } from '../word-vectors/graph.js'

export interface WordVectors extends QuantizedTable {
  readonly dir: string
  /** Token → id, and id → token. */
  readonly ids: ReadonlyMap<string, number>
  readonly words: readonly string[]
  /** Content token ids of each text (no special tokens; [UNK] = 1), as the runtime computes them. */
  encode(texts: readonly string[]): Promise<number[][]>
  /** Dequantised vector of token id r (a view into a shared cache; do not modify). */
  vector(r: number): Float32Array
}

function initializer(model: ReturnType<typeof onnxProto.onnx.ModelProto.decode>, name: string) {
  const t = model.graph?.initializer?.find((i) => i.name === name)
  if (!t?.rawData) throw new Error(`word-vector model has no initializer ${name}`)
  const raw = t.rawData
  return { dims: (t.dims ?? []).map(Number), bytes: raw }
}

export function loadWordVectors(dir: string = EMBEDDED_MODELS.wordVectors): WordVectors {
  const model = onnxProto.onnx.ModelProto.decode(readFileSync(join(dir, 'onnx', 'model.onnx')))
  const codesT = initializer(model, 'wv_codes')
  const [rows, dim] = codesT.dims as [number, number]
  // rawData may be a Buffer view into the whole file: copy it out, aligned.
  const copy = (b: Uint8Array) => new Uint8Array(b).buffer
  const codes = new Int8Array(copy(codesT.bytes))
  const scales = new Float32Array(copy(initializer(model, 'wv_scales').bytes))
  const weights = new Float32Array(copy(initializer(model, 'wv_weights').bytes))
  const tokenizerFile = join(dir, 'tokenizer.json')
  const json = JSON.parse(readFileSync(tokenizerFile, 'utf8')) as {
    model: { vocab: Record<string, number> }
  }
  const ids = new Map(Object.entries(json.model.vocab))
  const words: string[] = []
  for (const [w, i] of ids) words[i] = w
  const fast = AsciiWordPiece.fromJson(json)
  const native = Tokenizer.fromFile(tokenizerFile)
  native.disableTruncation()
  native.disablePadding()
  const dense = new Float32Array(rows * dim)
  for (let i = 0; i < rows * dim; i++) dense[i] = codes[i]! * scales[Math.floor(i / dim)]!
  return {
    dir,
    rows,
    dim,
    codes,
    scales,
    weights,
    ids,
    words,
    async encode(texts) {
      return Promise.all(
        texts.map(async (t) => {
          const quick = fast?.encode(t)
          if (quick) return quick
          return (await native.encode(t, null, { addSpecialTokens: false })).getIds()
        }),
      )
    },
    vector: (r) => dense.subarray(r * dim, (r + 1) * dim),
  }
}

/** The model's `sentence_embedding` for one text's ids, computed in JS (before L2 norm). */
export function weightedMean(wv: WordVectors, ids: readonly number[]): Float32Array {
  const out = new Float32Array(wv.dim)
  let total = 0
  for (const id of ids) {
    const w = wv.weights[id]!
    if (w === 0) continue
    total += w
    const v = wv.vector(id)
    for (let d = 0; d < wv.dim; d++) out[d] = out[d]! + w * v[d]!
  }
  const denom = Math.max(total, 1e-6)
  for (let d = 0; d < wv.dim; d++) out[d] = out[d]! / denom
  return out
}
