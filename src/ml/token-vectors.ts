/**
 * Looked-up word vectors as model inputs. A model whose graph declares the inputs `word_vectors`
 * (float32 [batch, seq, dim]) and optionally `word_weights` (float32 [batch, seq]) holds no vector
 * table of its own: for every token of the model's own tokenizer the runtime feeds the dequantised
 * vector of the word-vector table row whose word is that token (zero for special tokens, word
 * pieces and words the table lacks) and the row's pooling weight × attention mask. The table is
 * the process's one shared copy (sharedWordTable), so the sentence embedding, the cache verifier
 * and any classifier on word vectors hold its 13 MB once.
 *
 * The model folder names the table in config.json:
 *   "_semantic_router": { "word_vectors_input": "../word-vectors" }   (relative to the folder)
 */
import { resolve } from 'node:path'
import { invalid, type ModelFolder } from './folder.js'
import { readTokenizerVocab, sharedWordTable } from './word-table.js'

export const WORD_VECTORS_INPUT = 'word_vectors'
export const WORD_WEIGHTS_INPUT = 'word_weights'

/** What an inference engine needs to fill the inputs (structured-clone safe, shared memory). */
export interface TokenVectors {
  readonly dim: number
  readonly codes: Int8Array
  readonly scales: Float32Array
  readonly weights: Float32Array
  /** Model vocabulary id → table row, -1 for none. */
  readonly rowOf: Int32Array
}

/** The token vectors of a model folder that asks for them, else undefined. */
export function tokenVectorsFor(folder: ModelFolder): TokenVectors | undefined {
  const own = folder.config['_semantic_router']
  const dir =
    typeof own === 'object' && own !== null
      ? (own as Record<string, unknown>)['word_vectors_input']
      : undefined
  if (dir === undefined) return undefined
  if (typeof dir !== 'string')
    throw invalid(`${folder.dir}/config.json`, '_semantic_router.word_vectors_input is not a path')
  const table = sharedWordTable(resolve(folder.dir, dir))
  const vocab = Object.entries(readTokenizerVocab(folder.tokenizerFile)).filter(
    (entry): entry is [string, number] => typeof entry[1] === 'number',
  )
  let size = 0
  for (const [, id] of vocab) size = Math.max(size, id + 1)
  const rowOf = new Int32Array(new SharedArrayBuffer(4 * size)).fill(-1)
  for (const [token, id] of vocab) rowOf[id] = table.row(token)
  const { dim, codes, scales, weights } = table.table
  return { dim, codes, scales, weights, rowOf }
}

/**
 * The two inputs for a batch of token id windows padded to `seq`: vectors [batch, seq, dim] and
 * weights [batch, seq] (0 on padding and on tokens without a row).
 */
export function fillTokenVectors(
  tv: TokenVectors,
  windows: readonly { readonly ids: readonly number[] }[],
  seq: number,
): { vectors: Float32Array; weights: Float32Array } {
  const { dim, codes, scales, rowOf } = tv
  const vectors = new Float32Array(windows.length * seq * dim)
  const weights = new Float32Array(windows.length * seq)
  windows.forEach((w, b) => {
    w.ids.forEach((id, s) => {
      const row = id >= 0 && id < rowOf.length ? rowOf[id]! : -1
      if (row < 0) return
      const scale = scales[row]!
      const out = (b * seq + s) * dim
      for (let d = 0, x = row * dim; d < dim; d++) vectors[out + d] = codes[x + d]! * scale
      weights[b * seq + s] = tv.weights[row]!
    })
  })
  return { vectors, weights }
}
