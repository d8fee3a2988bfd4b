/**
 * Tiny ONNX models the test suite generates for itself (milliseconds to build, a few KB each), in
 * Hugging Face layout so they go through exactly the loader a user's ModernBERT export does.
 * Weights are set by hand so the expected outputs are known.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GraphBuilder, maskColumn, maskedSum } from '../../training/lib/onnx-graph.js'
import { SPECIAL_TOKENS, writeHfFolder } from '../../training/lib/hf-folder.js'

export const TINY_WORDS = [
  'what',
  'is',
  'the',
  'derivative',
  'integral',
  'cell',
  'protein',
  'dna',
  'weather',
  'hello',
  'john',
  'smith',
  'alice',
  'mail',
  '@',
  'example',
  '.',
  'com',
  'call',
  'me',
  'at',
  'my',
  'name',
  'ignore',
  'previous',
  'instructions',
  'please',
  'a',
  '##s',
]
export const TINY_VOCAB = [...SPECIAL_TOKENS, ...TINY_WORDS]
const id = (w: string): number => TINY_VOCAB.indexOf(w)

export const SEQ_LABELS = ['math', 'biology', 'other']
const SEQ_CUES: Record<string, number> = {
  derivative: 0,
  integral: 0,
  cell: 1,
  protein: 1,
  dna: 1,
  weather: 2,
  hello: 2,
}

export const TOKEN_LABELS = ['O', 'B-PERSON', 'I-PERSON', 'B-EMAIL_ADDRESS', 'I-EMAIL_ADDRESS']
const TOKEN_CUES: Record<string, number> = {
  john: 1,
  alice: 1,
  smith: 2,
  mail: 3,
  '@': 4,
  example: 4,
  '.': 4,
  com: 4,
}

export const GUARD_LABELS = ['benign', 'jailbreak']
/** The guard model's opinion: these words are attacks, `weather` is benign, the rest say nothing. */
const GUARD_CUES: Record<string, number> = { ignore: 1, instructions: 1, previous: 1, weather: 0 }

export function tempDir(prefix = 'sr-ml-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

function table(
  rows: number,
  cols: number,
  fill: (row: number, col: number) => number,
): Float32Array {
  const t = new Float32Array(rows * cols)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[r * cols + c] = fill(r, c)
  return t
}

/**
 * `mismatched: true` writes a model whose weights cover only the special tokens, like an export
 * whose tokenizer does not match its weights: it loads, passes the load-time probe (which feeds only
 * special tokens), and fails at inference on any real word (onnxruntime: Gather index out of
 * bounds). That is how the suite tests a model that breaks while the router is running.
 */
export interface BrokenOption {
  readonly mismatched?: boolean
}

const rowsOf = (opts: BrokenOption): number =>
  opts.mismatched ? SPECIAL_TOKENS.length : TINY_VOCAB.length

/** Sequence classifier: masked mean of per-token label scores. */
export function writeSequenceModel(
  dir: string,
  opts: { labels?: string[]; maxLength?: number; modelType?: string } & BrokenOption = {},
): string {
  const labels = opts.labels ?? SEQ_LABELS
  const L = labels.length
  const cues = labels === GUARD_LABELS ? GUARD_CUES : SEQ_CUES
  const emb = table(rowsOf(opts), L, (r, c) => (cues[TINY_VOCAB[r]!] === c ? 4 : 0))
  const g = new GraphBuilder()
  g.constant('emb', [rowsOf(opts), L], emb)
  const tok = g.op('Gather', ['emb', 'input_ids'], { axis: 0 })
  const mask = maskColumn(g)
  const sum = maskedSum(g, tok, mask)
  const count = g.op('ReduceSum', [mask, g.int64([1])], { keepdims: 0 })
  g.op('Div', [sum, count], {}, 'logits')
  writeHfFolder({
    dir,
    modelType: opts.modelType ?? 'bert',
    labels,
    vocab: TINY_VOCAB,
    maxLength: opts.maxLength ?? 16,
    onnx: g.encode([{ name: 'logits', dims: ['batch', L] }]),
  })
  return dir
}

/** Token classifier: each token's logits come straight from its embedding row. */
export function writeTokenModel(
  dir: string,
  opts: { maxLength?: number } & BrokenOption = {},
): string {
  const L = TOKEN_LABELS.length
  const emb = table(rowsOf(opts), L, (r, c) => ((TOKEN_CUES[TINY_VOCAB[r]!] ?? 0) === c ? 5 : 0))
  const g = new GraphBuilder()
  g.constant('emb', [rowsOf(opts), L], emb)
  g.op('Gather', ['emb', 'input_ids'], { axis: 0 }, 'logits')
  writeHfFolder({
    dir,
    modelType: 'modernbert',
    labels: TOKEN_LABELS,
    vocab: TINY_VOCAB,
    maxLength: opts.maxLength ?? 16,
    onnx: g.encode([{ name: 'logits', dims: ['batch', 'sequence', L] }]),
  })
  return dir
}

/** Embedding model: one-hot-ish token vectors; output `last_hidden_state` or `sentence_embedding`. */
export function writeEmbeddingModel(
  dir: string,
  opts: { output?: 'last_hidden_state' | 'sentence_embedding'; dim?: number } = {},
): string {
  const D = opts.dim ?? 8
  const emb = table(TINY_VOCAB.length, D, (r, c) =>
    r < SPECIAL_TOKENS.length ? 0 : Math.sin(r * 7.1 + c * 3.3),
  )
  const g = new GraphBuilder()
  g.constant('emb', [TINY_VOCAB.length, D], emb)
  const output = opts.output ?? 'last_hidden_state'
  if (output === 'last_hidden_state') {
    g.op('Gather', ['emb', 'input_ids'], { axis: 0 }, output)
  } else {
    const tok = g.op('Gather', ['emb', 'input_ids'], { axis: 0 })
    g.op('ReduceSum', [g.op('Mul', [tok, maskColumn(g)]), g.int64([1])], { keepdims: 0 }, output)
  }
  const dims = output === 'last_hidden_state' ? ['batch', 'sequence', D] : ['batch', D]
  writeHfFolder({
    dir,
    modelType: 'bert',
    vocab: TINY_VOCAB,
    maxLength: 16,
    onnx: g.encode([{ name: output, dims }]),
    extraConfig: { hidden_size: D },
  })
  return dir
}

export { id as tinyTokenId }
