/**
 * Hit vs. miss latency end to end through the gateway: this process is the load generator; the
 * simulator (the LLM) and the router (`semantic-router serve`, real embedder from the config) each run
 * in their own process. Prints one JSON document.
 *
 *   node --import tsx bench/cache/gateway-latency.ts [--questions 200] [--backend memory|postgres]
 *
 * Phases, sequential (one request at a time, so latencies are not queueing):
 *   direct          each question straight to the simulator (no router)
 *   miss            each question through the router, first time (embed + lookup + forward + store)
 *   hit_exact       the same questions again (answered from the cache)
 *   hit_paraphrase  the questions reworded (embedding match + verification)
 * The simulator answers at once (no time to first token, 16 tokens), so miss − direct is the router's
 * own cost; a real model's time to answer adds to every miss and to no hit. The questions differ from
 * each other in subject or number, so they are hard negatives for one another as well.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os, { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  freePort,
  startRouterProcess,
  startSimulatorProcess,
  waitUntilUp,
  type RuntimeMode,
} from '../gateway/processes.js'

const { values: args } = parseArgs({
  options: {
    questions: { type: 'string', default: '200' },
    backend: { type: 'string', default: 'memory' },
    mode: { type: 'string', default: 'tsx' },
  },
})
const N = Number(args.questions)
const MODEL = 'bench-model'

const SUBJECTS = [
  'photosynthesis',
  'the water cycle',
  'plate tectonics',
  'inflation',
  'compound interest',
  'recursion',
  'garbage collection',
  'public key cryptography',
  'the immune system',
  'black holes',
  'supply and demand',
  'the French Revolution',
  'machine learning',
  'DNA replication',
  'climate change',
  'the stock market',
  'quantum entanglement',
  'the Roman Empire',
  'volcanoes',
  'neural networks',
  'blockchains',
  'vaccines',
  'the greenhouse effect',
  'tides',
  'gravity',
]
const FORMS: Array<[(s: string, i: number) => string, (s: string, i: number) => string]> = [
  [
    (s, i) => `Explain ${s} in ${i + 2} sentences.`,
    (s, i) => `Please explain ${s} in ${i + 2} sentences.`,
  ],
  [
    (s, i) => `Give ${i + 2} facts about ${s}.`,
    (s, i) => `Can you give me ${i + 2} facts about ${s}?`,
  ],
  [
    (s, i) => `What is ${s}? Answer in ${i + 10} words.`,
    (s, i) => `what is ${s}? answer in ${i + 10} words`,
  ],
  [
    (s, i) => `Write a ${i + 3}-line poem about ${s}.`,
    (s, i) => `Please write a ${i + 3}-line poem about ${s}.`,
  ],
]

function questions(): Array<{ q: string; paraphrase: string }> {
  const out: Array<{ q: string; paraphrase: string }> = []
  for (let i = 0; out.length < N; i++) {
    const subject = SUBJECTS[i % SUBJECTS.length]!
    const [ask, reword] = FORMS[Math.floor(i / SUBJECTS.length) % FORMS.length]!
    const n = Math.floor(i / (SUBJECTS.length * FORMS.length))
    out.push({ q: ask(subject, n), paraphrase: reword(subject, n) })
  }
  return out
}

async function post(url: string, content: string): Promise<{ ms: number; hit: boolean }> {
  const t0 = performance.now()
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content }], max_tokens: 32 }),
  })
  await res.arrayBuffer()
  const ms = performance.now() - t0
  if (res.status !== 200) throw new Error(`HTTP ${res.status} for ${url}`)
  return { ms, hit: res.headers.get('x-vsr-cache-hit') === 'true' }
}

function summary(samples: Array<{ ms: number; hit: boolean }>) {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b)
  const at = (p: number) =>
    Math.round(ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]! * 1000) / 1000
  return {
    p50_ms: at(0.5),
    p99_ms: at(0.99),
    hits: samples.filter((s) => s.hit).length,
    n: samples.length,
  }
}

async function main() {
  const mode = args.mode as RuntimeMode
  const dir = mkdtempSync(join(tmpdir(), 'sr-cache-bench-'))
  const [simPort, routerPort] = [await freePort(), await freePort()]
  const sim = startSimulatorProcess(mode, simPort, MODEL, 16)
  const configPath = join(dir, 'config.yaml')
  writeFileSync(
    configPath,
    `vllm_endpoints:
  - { name: sim, address: 127.0.0.1, port: ${simPort}, weight: 1 }
model_config:
  ${MODEL}: { preferred_endpoints: [sim] }
default_model: ${MODEL}
semantic_cache:
  enabled: true
  backend_type: ${args.backend}
${args.backend === 'memory' ? '' : `  backend: { postgres: { data_dir: ${join(dir, 'pg')} } }\n`}`,
  )
  const router = startRouterProcess(mode, configPath, routerPort)
  try {
    await waitUntilUp(`http://127.0.0.1:${simPort}/v1/models`)
    await waitUntilUp(`http://127.0.0.1:${routerPort}/v1/models`, 120_000)
    const direct = `http://127.0.0.1:${simPort}/v1/chat/completions`
    const routed = `http://127.0.0.1:${routerPort}/v1/chat/completions`
    const qs = questions()
    // Warm both paths (connection pools, JIT, the embedder) with questions not measured.
    for (let i = 0; i < 20; i++) {
      await post(direct, `warm-up question number ${i}`)
      await post(routed, `warm-up question number ${i}`)
    }
    const phases: Record<string, Array<{ ms: number; hit: boolean }>> = {
      direct: [],
      miss: [],
      hit_exact: [],
      hit_paraphrase: [],
    }
    for (const { q } of qs) phases['direct']!.push(await post(direct, q))
    for (const { q } of qs) phases['miss']!.push(await post(routed, q))
    await new Promise((r) => setTimeout(r, 500)) // let the last stores finish
    for (const { q } of qs) phases['hit_exact']!.push(await post(routed, q))
    for (const { paraphrase } of qs) phases['hit_paraphrase']!.push(await post(routed, paraphrase))
    const result = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, summary(v)]))
    const p50 = (k: string) => (result[k] as { p50_ms: number }).p50_ms
    process.stdout.write(
      `${JSON.stringify(
        {
          benchmark: 'semantic-cache-gateway-latency',
          command: `node --import tsx bench/cache/gateway-latency.ts ${process.argv.slice(2).join(' ')}`,
          date: new Date().toISOString(),
          machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavg: os.loadavg() },
          backend: args.backend,
          questions: N,
          phases: result,
          ratios: {
            miss_over_direct_p50: Math.round((p50('miss') / p50('direct')) * 100) / 100,
            hit_over_miss_p50: Math.round((p50('hit_exact') / p50('miss')) * 100) / 100,
          },
        },
        null,
        2,
      )}\n`,
    )
  } finally {
    await Promise.all([router.stop(), sim.stop()])
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
