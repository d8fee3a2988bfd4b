/**
 * Every dashboard query, run through a real Prometheus (Debian's) that scrapes the real router
 * (`semantic-router serve` with the Kubernetes base config) after it served real traffic through
 * the simulator. Each query must parse and return at least one finite value. The alert rules are
 * loaded into the same Prometheus and must evaluate without errors on the real series.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { parseDocument } from 'yaml'
import { DASHBOARDS } from '../../deploy/grafana/build/index.js'
import { startSimulator, type Simulator } from '../../src/simulator/index.js'
import { dashboardQueries, type Dashboard } from './dashboard-queries.js'
import { startRouterProcess, type RouterProcess } from '../helpers/processes.js'
import { startPrometheus, waitForQuery, type PrometheusProcess } from './prometheus.js'
import { DEPLOY, findTool } from './tools.js'
import { sendTraffic, TRAFFIC } from './traffic.js'

/**
 * Cache panels need a working semantic cache, which needs a sentence embedding model. While the
 * router runs without one it says so (`cache_disabled`, reason `no_embedder`) and these panels
 * must be empty; once it has one they must show data like every other panel.
 */
const CACHE_PANELS = new Set([
  'Semantic Cache Hit Rate',
  'Cache Operations',
  'Cache Operation Latency (p99)',
  'Cache Entries',
])

/**
 * A/B split and learned-score panels need a decision with a `split` algorithm and feedback, which
 * the Kubernetes base config does not have: their queries must still parse and run, and return no
 * data. test/selection/split.test.ts checks the series they read.
 */
const SPLIT_PANELS = new Set([
  'Split Requests by Arm',
  'Split Error Ratio by Arm',
  'Split Latency (p95) by Arm',
  'Split Cost per Request by Arm',
  'Split Mean Rating by Arm',
  'Learned Success Rate by Model',
])

const prometheusBinary = findTool('prometheus')
const skip =
  prometheusBinary === undefined && process.env['CI'] !== 'true'
    ? 'prometheus is not installed'
    : false

let dir: string
let sim: Simulator | undefined
let router: RouterProcess | undefined
let prom: PrometheusProcess | undefined

before(async () => {
  if (skip) return
  if (!prometheusBinary) throw new Error('prometheus is required under CI')
  dir = mkdtempSync(join(tmpdir(), 'sr-dash-live-'))
  const doc = parseDocument(readFileSync(join(DEPLOY, 'kubernetes', 'base', 'config.yaml'), 'utf8'))
  const models = Object.keys((doc.toJS() as { model_config: Record<string, unknown> }).model_config)
  // The simulator is a test double for vLLM and runs in this process; the router is the real
  // `semantic-router serve` process that Prometheus scrapes.
  sim = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    models,
    defaults: { ttftMs: 20, tpotMs: 2 },
  })
  doc.setIn(['vllm_endpoints', 0, 'address'], '127.0.0.1')
  doc.setIn(['vllm_endpoints', 0, 'port'], sim.port)
  const configPath = join(dir, 'config.yaml')
  writeFileSync(configPath, doc.toString())
  router = await startRouterProcess(configPath)
  const rules = ['thresholds.yaml', 'alerts.yaml'].map((f) => join(DEPLOY, 'prometheus', f))
  prom = await startPrometheus(prometheusBinary, new URL(router.metrics).host, rules)
  await waitForQuery(prom, 'up{job="semantic-router"}', (v) => v === 1)
  // Round one creates the labelled series; round two, scraped before and after, makes every rate
  // and quantile non-zero.
  await sendTraffic(router.gateway)
  await waitForQuery(prom, 'sum(llm_model_requests_total)', (v) => v >= TRAFFIC.length)
  await new Promise((r) => setTimeout(r, 2_000))
  await sendTraffic(router.gateway)
  await waitForQuery(prom, 'sum(llm_model_requests_total)', (v) => v >= 2 * TRAFFIC.length)
  await new Promise((r) => setTimeout(r, 1_500))
})

after(async () => {
  await prom?.close()
  await router?.stop()
  await sim?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const queries = dashboardQueries(
  Object.keys(DASHBOARDS).map(
    (file) => JSON.parse(readFileSync(join(DEPLOY, 'grafana', file), 'utf8')) as Dashboard,
  ),
)

function finiteValues(result: Awaited<ReturnType<PrometheusProcess['query']>>): number[] {
  assert.equal(result.status, 'success', JSON.stringify(result))
  if (result.status !== 'success') return []
  const values =
    result.data.resultType === 'scalar'
      ? [result.data.result[1]]
      : result.data.result.map((s) => s.value[1])
  return values.map(Number).filter((v) => Number.isFinite(v))
}

test(
  'every dashboard query returns data from a router that served traffic',
  { skip },
  async (t) => {
    const cacheDisabled = router!.output.some((l) => l.includes('"event":"cache_disabled"'))
    if (cacheDisabled)
      t.diagnostic('semantic cache disabled by the router: cache panels must be empty')
    const empty: string[] = []
    for (const q of queries) {
      const values = finiteValues(await prom!.query(q.promql))
      if (SPLIT_PANELS.has(q.panel)) {
        assert.deepEqual(values, [], `${q.panel} has data although no split is configured`)
        continue
      }
      if (cacheDisabled && CACHE_PANELS.has(q.panel)) {
        assert.deepEqual(values, [], `${q.panel} has data although the cache is disabled`)
        continue
      }
      if (values.length === 0) empty.push(`${q.dashboard} / ${q.panel}: ${q.promql}`)
    }
    assert.deepEqual(empty, [], 'queries without data')
  },
)

test(
  'rates reflect the traffic: routed requests, refusals, costs and upstream errors',
  { skip },
  async () => {
    const positive = async (expr: string): Promise<void> => {
      const values = finiteValues(await prom!.query(expr))
      assert.ok(
        values.some((v) => v > 0),
        `${expr}: ${JSON.stringify(values)}`,
      )
    }
    await positive('sum(rate(llm_model_routing_modifications_total{source_model="MoM"}[1m]))')
    await positive('sum(rate(llm_request_errors_total{reason="jailbreak_block"}[1m]))')
    await positive('sum(rate(llm_request_errors_total{reason="pii_policy_denied"}[1m]))')
    await positive('sum(rate(llm_request_errors_total{reason="upstream_5xx"}[1m]))')
    await positive('sum(rate(llm_request_errors_total{reason="parse_error"}[1m]))')
    await positive('sum(rate(llm_category_cost_total{category="math",currency="USD"}[1m]))')
    await positive('sum(rate(llm_reasoning_decisions_total{enabled="true",effort="high"}[1m]))')
  },
)

test('the alert rules load and evaluate without errors on the real series', { skip }, async () => {
  const response = await fetch(`${prom!.url}/api/v1/rules`)
  const body = (await response.json()) as {
    data: {
      groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[]
    }
  }
  const rules = body.data.groups.flatMap((g) => g.rules)
  assert.ok(rules.length >= 20, `only ${rules.length} rules loaded`)
  const unhealthy = rules
    .filter((r) => r.health !== 'ok')
    .map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`)
  assert.deepEqual(unhealthy, [])
})

test(
  'a query that does not parse is reported as an error (the check can fail)',
  { skip },
  async () => {
    const result = await prom!.query('sum by (model (llm_model_requests_total)')
    assert.equal(result.status, 'error')
  },
)
