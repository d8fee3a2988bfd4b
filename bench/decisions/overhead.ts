/**
 * What decision evaluation adds to a request: the same prompts through the pipeline of two
 * runtimes, alternating request by request —
 *   classic: the bundled config (14 categories, keyword rules, the embedded category model);
 *   v0.3:    20 decisions over keyword, domain (the same category model) and context signals,
 *            with AND / OR / NOT nesting and several priorities.
 * Both run the same classifier on the same text, so the difference in `handleRequest` time is
 * what the decision machinery costs (cheap signals, three-valued rule evaluation, selection,
 * headers). The v0.3 run also reports its evaluation time minus the domain signal's own time.
 * Prints one JSON document (`--out` writes it too).
 *
 *   flock /work/.heavy.lock node --import tsx bench/decisions/overhead.ts [--requests 3000]
 */
import { cpus, loadavg } from 'node:os'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parse as parseYaml, stringify } from 'yaml'
import { parseRouterConfig } from '../../src/assembly/load-config.js'
import { buildRuntime } from '../../src/assembly/build-runtime.js'
import { createLogger } from '../../src/log.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import { localRequestMeta } from '../../src/pipeline/local-meta.js'
import type { Runtime } from '../../src/pipeline/runtime.js'

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '3000' },
    out: { type: 'string' },
  },
})
const requests = Number(values.requests)
const ROOT = join(import.meta.dirname, '..', '..')

/**
 * The bundled config's routing (14 categories, keyword rules, the embedded category model) with the
 * cache, the jailbreak guard and the PII policy off: only the routing path is compared.
 */
function classicConfig(): string {
  const doc = parseYaml(readFileSync(join(ROOT, 'config', 'config.yaml'), 'utf8'), {
    version: '1.1',
  }) as { model_config: Record<string, Record<string, unknown>>; [key: string]: unknown }
  delete doc.model_config['gpt-oss-20b']!['pii_policy']
  doc['semantic_cache'] = { enabled: false }
  doc['prompt_guard'] = { enabled: false }
  return stringify(doc)
}
const CLASSIC = classicConfig()

const DOMAINS = [
  'math',
  'physics',
  'chemistry',
  'biology',
  'law',
  'business',
  'economics',
  'health',
  'history',
  'psychology',
  'computer science',
  'engineering',
]

/** 20 decisions: 12 domain decisions, keyword and context decisions, nested rules, a catch-all. */
function v03(): string {
  const refs = '[{ model: qwen3-8b, use_reasoning: true }, { model: deepseek-v31 }]'
  const domain = DOMAINS.map(
    (d, i) =>
      `    - { name: d_${i}, priority: 100, rules: { type: domain, name: "${d}" }, modelRefs: ${refs} }`,
  )
  return `
providers:
  defaults: { default_model: small-chat }
  models:
    - { name: qwen3-8b, backend_refs: [{ endpoint: "127.0.0.1:18001" }] }
    - { name: deepseek-v31, backend_refs: [{ endpoint: "127.0.0.1:18001" }] }
    - { name: small-chat, backend_refs: [{ endpoint: "127.0.0.1:18002" }] }
routing:
  modelCards: [{ name: qwen3-8b }, { name: deepseek-v31 }, { name: small-chat }]
  signals:
    keywords:
      - { name: code, operator: OR, keywords: [python, javascript, typescript, sql, regex, docker, kubernetes] }
      - { name: calculus, operator: OR, keywords: [integral, derivative] }
      - { name: urgent, operator: OR, keywords: [urgent, asap, immediately] }
      - { name: secret, operator: OR, keywords: [password, api key] }
    context:
      - { name: long, min_tokens: 2K, max_tokens: 1M }
      - { name: short, max_tokens: 12 }
    domains:
${DOMAINS.map((d) => `      - { name: "${d}", mmlu_categories: ["${d}"] }`).join('\n')}
  decisions:
    - { name: code, priority: 300, rules: { operator: AND, conditions: [{ type: keyword, name: code }, { operator: NOT, conditions: [{ type: keyword, name: secret }] }] }, modelRefs: ${refs} }
    - { name: calculus, priority: 250, rules: { type: keyword, name: calculus }, modelRefs: ${refs} }
    - { name: long_context, priority: 200, rules: { type: context, name: long }, modelRefs: ${refs} }
    - { name: urgent_science, priority: 150, rules: { operator: AND, conditions: [{ type: keyword, name: urgent }, { operator: OR, conditions: [{ type: domain, name: physics }, { type: domain, name: chemistry }] }] }, modelRefs: ${refs} }
    - { name: short, priority: 120, rules: { operator: AND, conditions: [{ type: context, name: short }, { operator: NOT, conditions: [{ type: domain, name: law }] }] }, modelRefs: [{ model: small-chat }] }
${domain.join('\n')}
    - { name: other_long, priority: 90, rules: { operator: OR, conditions: [{ type: domain, name: history }, { operator: AND, conditions: [{ type: context, name: long }, { type: keyword, name: urgent }] }] }, modelRefs: ${refs} }
    - { name: catch_all, priority: 1, rules: { operator: AND }, modelRefs: [{ model: small-chat }] }
`
}

const PROMPTS = readFileSync(join(ROOT, 'bench', 'datasets', 'sample-mmlu-pro.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => (JSON.parse(l) as { question: string }).question)

let n = 0
const meta = () => localRequestMeta(`b-${++n}`)

async function runtime(yaml: string): Promise<Runtime> {
  const log = createLogger({ level: 'error', destination: { write: () => undefined } })
  return buildRuntime(parseRouterConfig(yaml), { log, metrics: new RouterMetrics() })
}

const percentile = (xs: number[], p: number) =>
  xs[Math.min(xs.length - 1, Math.floor(xs.length * p))]!
const round = (v: number) => Math.round(v * 1000) / 1000

const loadStart = loadavg()
const classic = await runtime(CLASSIC)
const decisions = await runtime(v03())
const bodies = PROMPTS.map((q) =>
  Buffer.from(JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content: q }] })),
)

const samples = { classic: [] as number[], v03: [] as number[], engineOnly: [] as number[] }
const winners = new Map<string, number>()
const evaluated = new Map<string, number>()
const warmup = Math.max(200, requests / 10)
for (let i = 0; i < warmup + requests; i++) {
  const body = bodies[i % bodies.length]!
  // Alternate which runtime goes first, so neither always gets the warmer cache.
  const order = i % 2 === 0 ? (['classic', 'v03'] as const) : (['v03', 'classic'] as const)
  for (const arm of order) {
    const rt = arm === 'classic' ? classic : decisions
    const started = performance.now()
    const outcome = await rt.pipeline.handleRequest(body, meta())
    const ms = performance.now() - started
    if (i < warmup) continue
    samples[arm].push(ms)
    if (arm === 'v03') {
      const result = outcome.ctx.decision!
      const name = result.decision?.name ?? 'none'
      winners.set(name, (winners.get(name) ?? 0) + 1)
      for (const t of result.timings) evaluated.set(t.type, (evaluated.get(t.type) ?? 0) + 1)
      const modelMs = result.timings.reduce((s, t) => s + (t.type === 'domain' ? t.ms : 0), 0)
      samples.engineOnly.push(result.elapsedMs - modelMs)
    }
  }
}
await classic.close()
await decisions.close()

for (const xs of Object.values(samples)) xs.sort((a, b) => a - b)
const stats = (xs: number[]) => ({
  p50_ms: round(percentile(xs, 0.5)),
  p90_ms: round(percentile(xs, 0.9)),
  p99_ms: round(percentile(xs, 0.99)),
})
const report = {
  bench: 'decisions/overhead',
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpu_model: cpus()[0]?.model ?? '',
  loadavg_1m_start_end: [loadStart[0], loadavg()[0]].map((x) => Math.round(x! * 100) / 100),
  requests,
  decisions: 20,
  classic: stats(samples.classic),
  v03_20_decisions: stats(samples.v03),
  added_p50_ms: round(percentile(samples.v03, 0.5) - percentile(samples.classic, 0.5)),
  /** The engine's own time: evaluation start to result, minus the domain signal (the model). */
  v03_evaluation_minus_domain_signal: stats(samples.engineOnly),
  winners: Object.fromEntries([...winners].sort((a, b) => b[1] - a[1])),
  signals_evaluated: Object.fromEntries(evaluated),
}
const text = `${JSON.stringify(report, null, 2)}\n`
process.stdout.write(text)
if (values.out) writeFileSync(values.out, text)
