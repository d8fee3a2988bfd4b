/**
 * One loaded model: tokenizer + ONNX session, run on windows in batches; the task's
 * post-processing of each text's window rows is in task-results.ts. Runs inside an inference
 * worker (see inference-worker.ts); kept free of worker plumbing so it can be reasoned about and
 * tested on its own.
 */
import { readFileSync } from 'node:fs'
import * as ort from 'onnxruntime-node'
import { Tokenizer } from 'tokenizers'
import { RouterError } from '../../errors.js'
import { invalid } from '../folder.js'
import { meanPoolNormalise } from '../postprocess.js'
import { makeWindows, type Tokenised, type Window, type WindowRule } from '../windows.js'
import { AsciiWordPiece, postProcessorAffixes } from './ascii-wordpiece.js'
import { WORD_VECTORS_INPUT, WORD_WEIGHTS_INPUT, fillTokenVectors } from '../token-vectors.js'
import { toCodeUnitOffsets } from './offsets.js'
import type { TaskResult, WorkerError, WorkerInit, WorkerReady } from './protocol.js'
import { taskResult } from './task-results.js'
import { asWorkerError } from './worker-error.js'

const EMBEDDING_OUTPUTS = ['sentence_embedding', 'last_hidden_state', 'token_embeddings']

interface BatchOutput {
  readonly data: Float32Array
  readonly dims: readonly number[]
}

export class InferenceEngine {
  private constructor(
    private readonly init: WorkerInit,
    /**
     * The native tokenizer, or null until a text needs it: with a fast path that knows the special
     * tokens, it is loaded only for text the fast path declines (30–40 MB for the embedded models'
     * 130,000-word vocabularies, which most processes then never spend).
     */
    private tokenizer: Tokenizer | null,
    private readonly session: ort.InferenceSession,
    private readonly rule: WindowRule,
    private readonly outputName: string,
    readonly ready: WorkerReady,
    /** Synchronous tokenisation for BERT WordPiece / WordLevel tokenizers (ids only). */
    private readonly fast: AsciiWordPiece | null,
  ) {}

  static async create(init: WorkerInit): Promise<InferenceEngine> {
    const started = performance.now()
    const rssBefore = process.memoryUsage().rss
    // Token classification needs character offsets, which only the native tokenizer reports.
    const json =
      init.task === 'token-classification' || init.fastTokenizer === false
        ? null
        : readTokenizerJson(init.tokenizerFile)
    const fast = json && AsciiWordPiece.fromJson(json)
    let tokenizer: Tokenizer | null = null
    let affixes = json && fast ? postProcessorAffixes(json) : null
    if (affixes === null) {
      tokenizer = loadTokenizer(init.tokenizerFile)
      const probe = await tokenizer.encode('a', null, { addSpecialTokens: true })
      affixes = specialAffixes(probe.getIds(), probe.getSpecialTokensMask())
    }
    const { prefix, suffix } = affixes
    let session: ort.InferenceSession
    try {
      session = await ort.InferenceSession.create(init.onnxFile, {
        intraOpNumThreads: init.intraOpThreads,
        interOpNumThreads: init.interOpThreads,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
      })
    } catch (err) {
      throw invalid(init.onnxFile, `cannot be loaded by onnxruntime (${String(err)})`, err)
    }
    for (const name of ['input_ids', 'attention_mask']) {
      if (!session.inputNames.includes(name)) {
        throw invalid(
          init.onnxFile,
          `has no "${name}" input (inputs: ${session.inputNames.join(', ')})`,
        )
      }
    }
    if (session.inputNames.includes(WORD_VECTORS_INPUT) && init.tokenVectors === undefined) {
      throw invalid(
        init.onnxFile,
        `takes "${WORD_VECTORS_INPUT}" as an input, but config.json names no table (_semantic_router.word_vectors_input)`,
      )
    }
    const outputName = pickOutput(init, session.outputNames)
    const rule: WindowRule = {
      mode: init.longInput,
      maxLength: init.maxLength,
      prefix,
      suffix,
      overlap: init.overlap,
      maxChunks: init.maxChunks,
    }
    const ready: WorkerReady = {
      type: 'ready',
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      outputSize: 0,
      loadMs: 0,
      rssDelta: 0,
    }
    const engine = new InferenceEngine(init, tokenizer, session, rule, outputName, ready, fast)
    const outputSize = await engine.probeOutputSize()
    const loaded: WorkerReady = {
      ...ready,
      outputSize,
      loadMs: performance.now() - started,
      rssDelta: Math.max(0, process.memoryUsage().rss - rssBefore),
    }
    return new InferenceEngine(init, tokenizer, session, rule, outputName, loaded, fast)
  }

  /** Whether the native tokenizer has been loaded (at start, or for a text the fast path declined). */
  get nativeTokenizerLoaded(): boolean {
    return this.tokenizer !== null
  }

  /**
   * Fastest of several runs of one window at the model's full length, in ms: how long a single
   * inference can hold the thread it runs on (placement `auto` keeps slow models off the main one).
   * Stops as soon as a run is within `enough` ms.
   *
   * On a loaded machine a run's wall time includes time the thread was not running at all, and
   * at start-up other models load on other threads, which made `auto` put a sub-millisecond model
   * on a worker now and then (and the router 60–150 MB larger). So each run counts the smaller of
   * its wall time and the process's CPU time, and up to ten runs spread over ~200 ms are tried
   * (fewer for a slow model, whose runs use up that time).
   */
  async timeFullWindow(enough = 0): Promise<number> {
    const { prefix, suffix, maxLength } = this.rule
    const fill = Math.max(0, maxLength - prefix.length - suffix.length)
    const content = new Array<number>(fill).fill(suffix[0] ?? prefix[0] ?? 0)
    const window: Window = {
      ids: [...prefix, ...content, ...suffix],
      offsets: [],
      contentStart: 0,
      contentLength: fill,
    }
    let best = Infinity
    const deadline = performance.now() + 200
    for (let i = 0; i < 10 && (i < 3 || performance.now() < deadline); i++) {
      if (i >= 3) await new Promise((r) => setTimeout(r, 20))
      const cpu = process.cpuUsage()
      const started = performance.now()
      await this.runWindows([window])
      const wall = performance.now() - started
      const used = process.cpuUsage(cpu)
      best = Math.min(best, wall, (used.user + used.system) / 1000)
      if (best <= enough) break
    }
    return best
  }

  /** Run one probe window; check the output width against the labels. */
  private async probeOutputSize(): Promise<number> {
    const out = await this.runWindows([
      {
        ids: [...this.rule.prefix, ...this.rule.suffix],
        offsets: [],
        contentStart: 0,
        contentLength: 0,
      },
    ])
    const width = out.dims[out.dims.length - 1] ?? 0
    const { task, labels } = this.init
    if (task !== 'embedding' && width !== labels.length) {
      throw new RouterError(
        'model_labels_mismatch',
        `${this.init.onnxFile} outputs ${width} classes but its labels name ${labels.length} (${labels.join(', ')}); fix config.json id2label or the mapping file`,
        { details: { file: this.init.onnxFile, outputs: width, labels } },
      )
    }
    return width
  }

  /** Process several jobs (each a list of texts) together; one result or error per job. */
  async runJobs(jobs: readonly (readonly string[])[]): Promise<(TaskResult[] | WorkerError)[]> {
    const texts = jobs.flat()
    const tokens = await this.tokenise(texts)
    const perText: (Window[] | WorkerError)[] = tokens.map((t) => {
      try {
        return makeWindows(t, this.rule)
      } catch (err) {
        return asWorkerError(err)
      }
    })
    const flat: Window[] = []
    for (const w of perText) if (Array.isArray(w)) flat.push(...w)
    const outputs = await this.runAll(flat)
    const results: (TaskResult | WorkerError)[] = []
    let cursor = 0
    for (const w of perText) {
      if (!Array.isArray(w)) {
        results.push(w)
        continue
      }
      results.push(taskResult(this.init, this.rule, w, outputs.slice(cursor, cursor + w.length)))
      cursor += w.length
    }
    let index = 0
    return jobs.map((job) => {
      const mine = results.slice(index, index + job.length)
      index += job.length
      const failed = mine.find((r): r is WorkerError => 'code' in r)
      return failed ?? (mine as TaskResult[])
    })
  }

  /**
   * Content tokens of each text: the ASCII fast path where it applies (no thread-pool hop; no
   * await at all when every text takes it), the native tokenizer for the rest, in one batch.
   * Offsets are only produced for token classification, the one task that reads them.
   */
  private async tokenise(texts: readonly string[]): Promise<Tokenised[]> {
    const out: Tokenised[] = new Array<Tokenised>(texts.length)
    const native: number[] = []
    texts.forEach((text, i) => {
      const ids = this.fast?.encode(text)
      if (ids) out[i] = { ids, offsets: [] }
      else native.push(i)
    })
    if (native.length === 0) return out
    this.tokenizer ??= loadTokenizer(this.init.tokenizerFile)
    const encodings = await this.tokenizer.encodeBatch(
      native.map((i) => texts[i]!),
      { addSpecialTokens: false },
    )
    const withOffsets = this.init.task === 'token-classification'
    encodings.forEach((enc, j) => {
      const i = native[j]!
      out[i] = withOffsets
        ? tokenised(texts[i]!, enc.getIds(), enc.getOffsets())
        : { ids: enc.getIds(), offsets: [] }
    })
    return out
  }

  /** Run windows in batches of init.maxBatch, grouping similar lengths to limit padding. */
  private async runAll(windows: readonly Window[]): Promise<Float32Array[]> {
    const order = windows
      .map((_, i) => i)
      .sort((a, b) => windows[a]!.ids.length - windows[b]!.ids.length)
    const out: Float32Array[] = new Array<Float32Array>(windows.length)
    for (let i = 0; i < order.length; i += this.init.maxBatch) {
      const group = order.slice(i, i + this.init.maxBatch)
      const batch = await this.runWindows(group.map((g) => windows[g]!))
      const rowSize = batch.dims.slice(1).reduce((a, b) => a * b, 1)
      const seq = batch.dims.length === 3 ? batch.dims[1]! : 0
      group.forEach((g, j) => {
        out[g] = this.rowOf(batch, j, rowSize, seq, windows[g]!)
      })
    }
    return out
  }

  /** A window's slice of a batch output; hidden states are pooled here (they depend on padding). */
  private rowOf(
    batch: BatchOutput,
    j: number,
    rowSize: number,
    seq: number,
    w: Window,
  ): Float32Array {
    if (this.init.task === 'embedding' && batch.dims.length === 3) {
      const dim = batch.dims[2]!
      const mask = new Uint8Array(seq)
      mask.fill(1, 0, w.ids.length)
      return meanPoolNormalise(
        batch.data.subarray(j * rowSize, (j + 1) * rowSize),
        mask,
        seq,
        dim,
        0,
      )
    }
    return batch.data.slice(j * rowSize, (j + 1) * rowSize)
  }

  private async runWindows(windows: readonly Window[]): Promise<BatchOutput> {
    const batch = windows.length
    const seq = Math.max(...windows.map((w) => w.ids.length))
    const ids = new BigInt64Array(batch * seq)
    const mask = new BigInt64Array(batch * seq)
    windows.forEach((w, b) => {
      w.ids.forEach((id, s) => {
        ids[b * seq + s] = BigInt(id)
        mask[b * seq + s] = 1n
      })
    })
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', ids, [batch, seq]),
      attention_mask: new ort.Tensor('int64', mask, [batch, seq]),
    }
    const tv = this.init.tokenVectors
    if (tv && this.session.inputNames.includes(WORD_VECTORS_INPUT)) {
      const { vectors, weights } = fillTokenVectors(tv, windows, seq)
      feeds[WORD_VECTORS_INPUT] = new ort.Tensor('float32', vectors, [batch, seq, tv.dim])
      if (this.session.inputNames.includes(WORD_WEIGHTS_INPUT))
        feeds[WORD_WEIGHTS_INPUT] = new ort.Tensor('float32', weights, [batch, seq])
    }
    if (this.session.inputNames.includes('token_type_ids')) {
      feeds['token_type_ids'] = new ort.Tensor('int64', new BigInt64Array(batch * seq), [
        batch,
        seq,
      ])
    }
    let result: ort.InferenceSession.ReturnType
    try {
      // onnxruntime's own error line (raw, to stderr) is suppressed: the error is thrown here
      // and reported once through the router's structured log by whoever handles it.
      result = await this.session.run(feeds, [this.outputName], { logSeverityLevel: 4 })
    } catch (err) {
      throw new RouterError(
        'inference_failed',
        `onnxruntime failed on ${this.init.onnxFile}: ${String(err)}`,
        { cause: err },
      )
    }
    const tensor = result[this.outputName]!
    if (tensor.type !== 'float32') {
      throw invalid(
        this.init.onnxFile,
        `output "${this.outputName}" is ${tensor.type}, expected float32`,
      )
    }
    return { data: tensor.data as Float32Array, dims: tensor.dims }
  }

  async close(): Promise<void> {
    await this.session.release()
  }
}

function pickOutput(init: WorkerInit, outputs: readonly string[]): string {
  if (init.task === 'embedding') {
    const found = EMBEDDING_OUTPUTS.find((o) => outputs.includes(o))
    if (found) return found
  } else if (outputs.includes('logits')) {
    return 'logits'
  }
  const first = outputs[0]
  if (first === undefined) throw invalid(init.onnxFile, 'declares no outputs')
  return first
}

function readTokenizerJson(file: string): object {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as object
  } catch (err) {
    throw invalid(file, `cannot be loaded as a tokenizer (${String(err)})`, err)
  }
}

function loadTokenizer(file: string): Tokenizer {
  let tokenizer: Tokenizer
  try {
    tokenizer = Tokenizer.fromFile(file)
  } catch (err) {
    throw invalid(file, `cannot be loaded as a tokenizer (${String(err)})`, err)
  }
  tokenizer.disableTruncation()
  tokenizer.disablePadding()
  return tokenizer
}

function specialAffixes(ids: number[], specials: number[]): { prefix: number[]; suffix: number[] } {
  let head = 0
  while (head < ids.length && specials[head] === 1) head++
  let tail = ids.length
  while (tail > head && specials[tail - 1] === 1) tail--
  return { prefix: ids.slice(0, head), suffix: ids.slice(tail) }
}

function tokenised(text: string, ids: number[], offsets: number[][]): Tokenised {
  return { ids, offsets: toCodeUnitOffsets(text, offsets) }
}
