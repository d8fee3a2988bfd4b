/**
 * The word-vector table (models/word-vectors: an int8 table with one scale and one pooling weight
 * per row, and a word-level tokenizer.json), held once per process and shared read-only by
 * everything that needs per-word vectors:
 *
 *  - the cache verifier compares the words of two short questions — a few dozen dot products on the
 *    request path, synchronously on the int8 codes in microseconds (a round trip through the
 *    inference runtime would cost a tenth of a millisecond and make the check asynchronous);
 *  - models whose graph takes looked-up vectors as inputs (`word_vectors`, `word_weights`) instead
 *    of holding their own 13 MB Gather table: the inference engine fills those inputs from this
 *    table (token-vectors.ts), on the router's thread or on a worker thread — the arrays live in
 *    SharedArrayBuffers, so a worker sees the same memory rather than a copy.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import protobuf from 'protobufjs'
import { invalid } from './folder.js'
import { Vocabulary } from './vocabulary.js'

export interface QuantizedRows {
  readonly rows: number
  readonly dim: number
  readonly codes: Int8Array
  readonly scales: Float32Array
  /** SIF pooling weight per row (a / (a + p(word))): near 1 for rare words, small for common ones. */
  readonly weights: Float32Array
}

export class WordTable {
  private readonly norms: Float32Array

  constructor(
    readonly table: QuantizedRows,
    private readonly index: Vocabulary,
  ) {
    const { rows, dim, codes } = table
    this.norms = new Float32Array(rows)
    for (let r = 0; r < rows; r++) {
      let sq = 0
      for (let d = r * dim; d < (r + 1) * dim; d++) sq += codes[d]! * codes[d]!
      this.norms[r] = Math.sqrt(sq)
    }
  }

  get rows(): number {
    return this.table.rows
  }

  get dim(): number {
    return this.table.dim
  }

  /** Row of a lower-case word, or -1 when the table has no vector for it. */
  row(word: string): number {
    const r = this.index.get(word)
    return r === undefined || r < 2 || this.norms[r] === 0 ? -1 : r
  }

  weight(row: number): number {
    return this.table.weights[row]!
  }

  /** Cosine similarity of two rows (the per-row scales cancel). */
  cosine(a: number, b: number): number {
    if (a === b) return 1
    const { dim, codes } = this.table
    let dot = 0
    for (let i = 0, x = a * dim, y = b * dim; i < dim; i++) dot += codes[x + i]! * codes[y + i]!
    return dot / (this.norms[a]! * this.norms[b]!)
  }

  /** out += scale · vector(row). */
  addTo(out: Float32Array, row: number, scale: number): void {
    const { dim, codes, scales } = this.table
    const s = scale * scales[row]!
    for (let i = 0, x = row * dim; i < dim; i++) out[i] = out[i]! + s * codes[x + i]!
  }
}

const shared = new Map<string, WordTable>()

/**
 * The table of the word-vector folder `dir`, read once per process (the first caller reads the
 * file, everyone after gets the same arrays). Read-only by contract: nothing writes to its arrays.
 */
export function sharedWordTable(dir: string): WordTable {
  const key = resolve(dir)
  let table = shared.get(key)
  if (table === undefined) shared.set(key, (table = loadWordTable(key)))
  return table
}

/**
 * Load models/word-vectors (or any folder holding the same initializers and a WordLevel vocab)
 * into new arrays; use sharedWordTable unless a private copy is the point (tests, training).
 */
export function loadWordTable(dir: string): WordTable {
  const onnxFile = join(dir, 'onnx', 'model.onnx')
  const tokenizerFile = join(dir, 'tokenizer.json')
  let tensors: Map<string, { dims: number[]; raw: Uint8Array }>
  try {
    tensors = readInitializers(readFileSync(onnxFile), ['wv_codes', 'wv_scales', 'wv_weights'])
  } catch (err) {
    throw invalid(onnxFile, `cannot be read as the word-vector table (${String(err)})`, err)
  }
  const codes = tensors.get('wv_codes')
  const scales = tensors.get('wv_scales')
  const weights = tensors.get('wv_weights')
  if (!codes || !scales || !weights || codes.dims.length !== 2)
    throw invalid(onnxFile, 'has no wv_codes [rows, dim], wv_scales and wv_weights initializers')
  const [rows, dim] = codes.dims as [number, number]
  const index = Vocabulary.from(readTokenizerVocab(tokenizerFile))
  return new WordTable(
    {
      rows,
      dim,
      codes: new Int8Array(sharedCopy(codes.raw)),
      scales: new Float32Array(sharedCopy(scales.raw)),
      weights: new Float32Array(sharedCopy(weights.raw)),
    },
    index,
  )
}

/**
 * token → id of a tokenizer.json's WordPiece or WordLevel `model.vocab` (the word table's own and a
 * model's that takes looked-up word vectors); an unreadable file or a missing vocabulary is a
 * model-folder error naming the file.
 */
export function readTokenizerVocab(file: string): Readonly<Record<string, number>> {
  let vocab: unknown
  try {
    vocab = (JSON.parse(readFileSync(file, 'utf8')) as { model?: { vocab?: unknown } }).model?.vocab
  } catch (err) {
    throw invalid(file, `cannot be read (${String(err)})`, err)
  }
  if (typeof vocab !== 'object' || vocab === null || Array.isArray(vocab))
    throw invalid(file, 'has no model.vocab object (a WordPiece or WordLevel vocabulary is needed)')
  return vocab as Readonly<Record<string, number>>
}

/** The bytes in a SharedArrayBuffer (aligned, and shareable with worker threads without a copy). */
function sharedCopy(bytes: Uint8Array): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(bytes.byteLength)
  new Uint8Array(buffer).set(bytes)
  return buffer
}

/**
 * The raw bytes of named initializers in an ONNX ModelProto, read with protobufjs's wire reader
 * (ModelProto.graph = 7, GraphProto.initializer = 5, TensorProto.dims = 1, name = 8,
 * raw_data = 9), so no generated ONNX bindings are needed at run time.
 */
export function readInitializers(
  bytes: Uint8Array,
  names: readonly string[],
): Map<string, { dims: number[]; raw: Uint8Array }> {
  const wanted = new Set(names)
  const out = new Map<string, { dims: number[]; raw: Uint8Array }>()
  const model = protobuf.Reader.create(bytes)
  while (model.pos < model.len) {
    const tag = model.uint32()
    if (tag >>> 3 !== 7 || (tag & 7) !== 2) {
      model.skipType(tag & 7)
      continue
    }
    const graph = protobuf.Reader.create(model.bytes())
    while (graph.pos < graph.len) {
      const gt = graph.uint32()
      if (gt >>> 3 !== 5 || (gt & 7) !== 2) {
        graph.skipType(gt & 7)
        continue
      }
      const tensor = readTensor(graph.bytes())
      if (wanted.has(tensor.name)) out.set(tensor.name, tensor)
    }
  }
  return out
}

function readTensor(bytes: Uint8Array): { name: string; dims: number[]; raw: Uint8Array } {
  const t = protobuf.Reader.create(bytes)
  const dims: number[] = []
  let name = ''
  let raw: Uint8Array = new Uint8Array(0)
  while (t.pos < t.len) {
    const tag = t.uint32()
    const field = tag >>> 3
    if (field === 1 && (tag & 7) === 2) {
      const end = t.uint32() + t.pos
      while (t.pos < end) dims.push(toNumber(t.int64()))
    } else if (field === 1) dims.push(toNumber(t.int64()))
    else if (field === 8) name = t.string()
    else if (field === 9) raw = t.bytes()
    else t.skipType(tag & 7)
  }
  return { name, dims, raw }
}

/** int64 dims come back as a number, or as a Long when long.js is installed. */
function toNumber(v: number | protobuf.Long): number {
  return typeof v === 'number' ? v : v.low + v.high * 2 ** 32
}
