/**
 * Where one category-model call spends its time, step by step, one call at a time over the eight
 * ext_proc benchmark prompts: the native tokenizer (libuv thread pool) against the ASCII WordPiece
 * fast path, a bare onnxruntime `session.run`, and the whole LoadedModel.run on the main thread
 * and on a worker thread. Wall time per call (p50) and process CPU per call (every thread).
 * Prints one JSON document.
 *
 *   node --import tsx bench/classifiers/inference-path.ts [--calls 5000]
 */
import { cpus, loadavg } from 'node:os'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import * as ort from 'onnxruntime-node'
import { Tokenizer } from 'tokenizers'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'
import { readModelFolder } from '../../src/ml/folder.js'
import { DEFAULT_INFERENCE, LoadedModel } from '../../src/ml/model.js'
import { AsciiWordPiece } from '../../src/ml/worker/ascii-wordpiece.js'
import { PROMPTS } from '../extproc/messages.js'

const { values } = parseArgs({ options: { calls: { type: 'string', default: '5000' } } })
const calls = Number(values.calls)
const round = (v: number) => Math.round(v * 10) / 10

/** p50 wall µs and mean process CPU µs per call, after a warm-up of a tenth of the calls. */
async function time(step: (i: number) => unknown): Promise<{ p50_us: number; cpu_us: number }> {
  for (let i = 0; i < calls / 10; i++) await step(i)
  const samples: number[] = []
  const cpu = process.cpuUsage()
  for (let i = 0; i < calls; i++) {
    const started = performance.now()
    await step(i)
    samples.push(performance.now() - started)
  }
  const used = process.cpuUsage(cpu)
  samples.sort((a, b) => a - b)
  return {
    p50_us: round(samples[samples.length >> 1]! * 1000),
    cpu_us: round((used.user + used.system) / calls),
  }
}

const folder = readModelFolder(EMBEDDED_MODELS.category)
const prompt = (i: number) => PROMPTS[i % PROMPTS.length]!

const native = Tokenizer.fromFile(folder.tokenizerFile)
native.disableTruncation()
native.disablePadding()
const fast = AsciiWordPiece.fromJson(JSON.parse(readFileSync(folder.tokenizerFile, 'utf8')))!

const session = await ort.InferenceSession.create(folder.onnxFile, {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
})
const ids = fast.encode(prompt(0))!
const feed = (values: readonly number[]) =>
  new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, values.length])
const feeds = {
  input_ids: feed([2, ...ids, 3]),
  attention_mask: feed(ids.map(() => 1).concat(1, 1)),
}

const spec = {
  folder,
  task: 'sequence-classification' as const,
  labels: folder.labels ?? [],
  longInput: 'truncate' as const,
}
const onMain = await LoadedModel.load(spec, { ...DEFAULT_INFERENCE, placement: 'main' })
const onWorker = await LoadedModel.load(spec, { ...DEFAULT_INFERENCE, placement: 'worker' })

const report = {
  benchmark: 'classifiers/inference-path',
  command: `node --import tsx bench/classifiers/inference-path.ts --calls ${calls}`,
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    node: process.version,
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
  },
  model: folder.dir,
  steps: {
    tokenize_native: await time((i) => native.encode(prompt(i), null, { addSpecialTokens: false })),
    tokenize_ascii_fast_path: await time((i) => fast.encode(prompt(i))),
    session_run: await time(() => session.run(feeds)),
    model_run_main_thread: await time((i) => onMain.run([prompt(i)])),
    model_run_worker_thread: await time((i) => onWorker.run([prompt(i)])),
  },
}
await Promise.all([onMain.close(), onWorker.close(), session.release()])
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
