/**
 * ML runtime benchmark (bench/classifiers/models.ts). Prints one JSON document:
 *
 * - `latency`: in-process p50/p99 of the embedded category classifier and the embedded sentence
 *   embedding, one request at a time through the real path (1 onnxruntime thread) over the
 *   held-out category texts, plus throughput with 64 requests in flight (micro-batching); once with
 *   the default placement (`auto`: these small models run on the main thread) and once on a
 *   worker thread (`placement: worker`, what larger models use), side by side.
 * - `rss`: RSS added by all embedded models (category + embedding + the guards' embedded
 *   detectors), measured in a fresh child process.
 * - `bert_base`: the same loader on a generated BERT-base-sized random-weight model (12 layers,
 *   768 hidden, 30,522 vocabulary): load time, RSS, latency at 16/64/128 tokens, 1 and 2 threads,
 *   each in a fresh child process.
 * - `api`: classification API throughput — the router in its own process, autocannon in this one.
 *
 *   node --import tsx bench/classifiers/models.ts [--passes 5] [--skip-bert] [--skip-api]
 *     [--embedding <folder>]   another embedding model folder to time side by side with the
 *                              embedded one (e.g. an earlier build of models/lexical-embedding)
 *   (pin one core with `taskset -c 0` for the per-classifier latency figure)
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parseConfigText } from '../../src/config/load.js'
import { buildJailbreakDetector, buildPiiDetector } from '../../src/guards/registry.js'
import { silentLogger } from '../../src/log.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import { ModelRegistry } from '../../src/ml/registry.js'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'
import { CATEGORY_HELDOUT, readLabelledTsv } from '../../src/eval/category.js'
import { readModelFolder } from '../../src/ml/folder.js'
import { LoadedModel, type InferenceSettings } from '../../src/ml/model.js'
import { DEFAULT_INFERENCE } from '../../src/ml/model.js'
import { MMLU_PRO_CATEGORIES } from '../../src/ml/label-mapping.js'
import { runAutocannon, type LoadResult } from '../gateway/processes.js'
import { writeBertProxy } from './bert-proxy.js'

const { values: args } = parseArgs({
  options: {
    passes: { type: 'string', default: '5' },
    child: { type: 'string' },
    model: { type: 'string' },
    threads: { type: 'string', default: '1' },
    embedding: { type: 'string' },
    'skip-bert': { type: 'boolean', default: false },
    'skip-api': { type: 'boolean', default: false },
  },
})

const texts = readLabelledTsv(CATEGORY_HELDOUT).map((r) => r.text)
const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d
const mb = (bytes: number): number => round(bytes / 1024 / 1024, 1)

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b)
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!
  return {
    calls: s.length,
    p50_ms: round(at(0.5)),
    p90_ms: round(at(0.9)),
    p99_ms: round(at(0.99)),
    max_ms: round(s.at(-1)!),
  }
}

async function sequential(model: LoadedModel, inputs: readonly string[], passes: number) {
  for (const t of inputs.slice(0, 20)) await model.run([t])
  const samples: number[] = []
  for (let p = 0; p < passes; p++)
    for (const t of inputs) {
      const start = performance.now()
      await model.run([t])
      samples.push(performance.now() - start)
    }
  return stats(samples)
}

async function concurrent(
  model: LoadedModel,
  inputs: readonly string[],
  inFlight: number,
  total: number,
) {
  const start = performance.now()
  let next = 0
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        const t = inputs[next++ % inputs.length]!
        await model.run([t])
      }
    }),
  )
  return {
    in_flight: inFlight,
    requests: total,
    requests_per_s: Math.round(total / ((performance.now() - start) / 1000)),
  }
}

function settings(threads: number): InferenceSettings {
  return { ...DEFAULT_INFERENCE, intraOpThreads: threads }
}

/** The embedded models (or another embedding folder), loaded as the runtime loads them. */
async function loadCategory(inference = DEFAULT_INFERENCE): Promise<LoadedModel> {
  const folder = readModelFolder(EMBEDDED_MODELS.category)
  return LoadedModel.load(
    {
      folder,
      task: 'sequence-classification',
      labels: folder.labels!,
      longInput: 'truncate',
    },
    inference,
  )
}

async function loadEmbedding(
  dir = EMBEDDED_MODELS.embedding,
  inference = DEFAULT_INFERENCE,
): Promise<LoadedModel> {
  return LoadedModel.load(
    {
      folder: readModelFolder(dir),
      task: 'embedding',
      labels: [],
      longInput: 'truncate',
    },
    inference,
  )
}

async function loadEmbedded(inference = DEFAULT_INFERENCE) {
  const [category, embedding] = await Promise.all([
    loadCategory(inference),
    loadEmbedding(EMBEDDED_MODELS.embedding, inference),
  ])
  return { category, embedding }
}

async function timed(model: LoadedModel, passes: number) {
  return {
    ...(await sequential(model, texts, passes)),
    throughput: await concurrent(model, texts, 64, 5000),
  }
}

async function latency(passes: number, compareEmbedding?: string) {
  const { category, embedding } = await loadEmbedded()
  const out: Record<string, unknown> = {
    placement: category.info.placement,
    category_classifier: await timed(category, passes),
    sentence_embedding: await timed(embedding, passes),
  }
  const onWorker = await loadEmbedded({ ...DEFAULT_INFERENCE, placement: 'worker' })
  out['on_worker_thread'] = {
    category_classifier: await timed(onWorker.category, passes),
    sentence_embedding: await timed(onWorker.embedding, passes),
  }
  await Promise.all([onWorker.category.close(), onWorker.embedding.close()])
  if (compareEmbedding) {
    const other = await loadEmbedding(compareEmbedding)
    out['compared_embedding'] = { folder: compareEmbedding, ...(await timed(other, passes)) }
    await other.close()
  }
  out['texts'] = texts.length
  out['note'] =
    'one request at a time; intra_op_threads 1; default placement (auto) vs placement: worker'
  await Promise.all([category.close(), embedding.close()])
  return out
}

/** Child: RSS added by the embedded models and detectors. */
async function childRss() {
  const gc = (globalThis as { gc?: () => void }).gc
  const { config } = parseConfigText('prompt_guard: { enabled: true }\n')
  gc?.()
  const before = process.memoryUsage().rss
  const { category, embedding } = await loadEmbedded()
  const deps = {
    config,
    baseDir: process.cwd(),
    log: silentLogger(),
    metrics: new RouterMetrics(),
    models: new ModelRegistry(),
  }
  const jailbreak = await buildJailbreakDetector(deps)
  const pii = await buildPiiDetector(deps)
  for (const t of texts.slice(0, 50)) {
    await category.run([t])
    await embedding.run([t])
    await jailbreak?.detect(t)
    await pii?.detect(`${t} call 415-555-0100 or mail a@example.com`)
  }
  gc?.()
  const after = process.memoryUsage().rss
  return { rss_before_mb: mb(before), rss_after_mb: mb(after), rss_added_mb: mb(after - before) }
}

/** Child: load the BERT-sized proxy and time it. */
async function childBert(dir: string, threads: number) {
  const before = process.memoryUsage().rss
  const start = performance.now()
  const folder = readModelFolder(dir)
  const model = await LoadedModel.load(
    { folder, task: 'sequence-classification', labels: folder.labels!, longInput: 'truncate' },
    settings(threads),
  )
  const loadMs = performance.now() - start
  const rss = process.memoryUsage().rss
  const words = 'a b c d e f g h i j k l m n o p q r s t u v w x y z'.split(' ')
  const text = (n: number) =>
    Array.from({ length: n - 2 }, (_, i) => words[i % words.length]).join(' ')
  const byLength: Record<string, unknown> = {}
  for (const tokens of [16, 64, 128]) {
    const t = text(tokens)
    for (let i = 0; i < 3; i++) await model.run([t])
    const samples: number[] = []
    for (let i = 0; i < 15; i++) {
      const s = performance.now()
      await model.run([t])
      samples.push(performance.now() - s)
    }
    byLength[`seq_${tokens}`] = stats(samples)
  }
  await model.close()
  return {
    threads,
    load_ms: Math.round(loadMs),
    rss_added_mb: mb(rss - before),
    file_mb: mb(folder.onnxBytes),
    latency: byLength,
  }
}

function runChild(extra: string[]): unknown {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', import.meta.filename, ...extra],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  )
  return JSON.parse(out.trim().split('\n').at(-1)!)
}

async function apiThroughput() {
  const dir = mkdtempSync(join(tmpdir(), 'sr-bench-api-'))
  const config = join(dir, 'config.yaml')
  writeFileSync(
    config,
    'semantic_cache: { enabled: false }\nprompt_guard: { enabled: true }\nserver: { enable_gateway: false, enable_extproc: false, enable_metrics: false }\n',
  )
  const port = 18000 + Math.floor(Math.random() * 1000)
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, '..', '..', 'src', 'main.ts'),
      'serve',
      '--config',
      config,
      '--api-port',
      String(port),
    ],
    { stdio: 'ignore' },
  )
  try {
    const base = `http://127.0.0.1:${port}`
    for (let i = 0; i < 200; i++) {
      const ok = await fetch(`${base}/ready`).then(
        (r) => r.ok,
        () => false,
      )
      if (ok) break
      await new Promise((r) => setTimeout(r, 100))
    }
    const run = (path: string, body: unknown) =>
      runAutocannon({
        url: `${base}${path}`,
        connections: 16,
        durationSeconds: 5,
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      })
    const summary = (r: LoadResult) => ({
      requests_per_s: Math.round(r.rps),
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      errors: r.errors + r.non2xx,
    })
    return {
      classify_intent: summary(
        await run('/api/v1/classify/intent', {
          text: 'What is the derivative of x^3?',
          options: { return_probabilities: true },
        }),
      ),
      embeddings: summary(
        await run('/api/v1/embeddings', { texts: ['What is the capital of France?'] }),
      ),
      connections: 16,
      duration_s: 5,
      note: 'router and autocannon each in their own process (tsx)',
    }
  } finally {
    child.kill('SIGTERM')
  }
}

if (args.child === 'rss') {
  console.log(JSON.stringify(await childRss()))
} else if (args.child === 'bert') {
  console.log(JSON.stringify(await childBert(args.model!, Number(args.threads))))
} else {
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: {
      cpus: (await import('node:os')).cpus().length,
      node: process.version,
      loadavg: (await import('node:os')).loadavg().map((x) => round(x, 2)),
    },
    latency: await latency(Number(args.passes), args.embedding),
    rss: runChild(['--child', 'rss']),
  }
  if (!args['skip-bert']) {
    const dir = join(tmpdir(), 'sr-bench-bert-base')
    if (!existsSync(join(dir, 'onnx', 'model.onnx'))) writeBertProxy(dir, MMLU_PRO_CATEGORIES)
    report['bert_base'] = [
      runChild(['--child', 'bert', '--model', dir, '--threads', '1']),
      runChild(['--child', 'bert', '--model', dir, '--threads', '2']),
    ]
  }
  if (!args['skip-api']) report['api'] = await apiThroughput()
  console.log(JSON.stringify(report, null, 2))
}
