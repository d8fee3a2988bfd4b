/**
 * Static checks of the Grafana dashboards: the committed JSON is what the specs generate, every
 * panel is wired to the Prometheus variable and laid out on the grid, every query parses
 * (promtool) and uses only metrics the router exports, upstream's panels are all there, and
 * docs/operations.md describes every panel with its query. dashboards-prometheus.test.ts runs
 * the queries against a real Prometheus scraping a real router.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { stringify } from 'yaml'
import { DASHBOARDS, renderDashboard } from '../../deploy/grafana/build/index.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import { exportedSeriesNames } from './metric-names.js'
import { DEPLOY, ROOT, requireTool, run } from './tools.js'
import { dashboardQueries, type Dashboard } from './dashboard-queries.js'

const dashboards = Object.keys(DASHBOARDS).map((file) => ({
  file,
  json: JSON.parse(readFileSync(join(DEPLOY, 'grafana', file), 'utf8')) as Dashboard,
}))
const queries = dashboardQueries(dashboards.map((d) => d.json))

test('the committed dashboard JSON is what the specs generate', () => {
  for (const [file, spec] of Object.entries(DASHBOARDS))
    assert.equal(
      readFileSync(join(DEPLOY, 'grafana', file), 'utf8'),
      renderDashboard(spec),
      `deploy/grafana/${file} is stale: run node --import tsx deploy/grafana/build/index.ts`,
    )
})

test('every panel uses the Prometheus variable and fits the grid without overlaps', () => {
  for (const { file, json } of dashboards) {
    assert.ok(
      json.templating.list.some((v) => v.name === 'DS_PROMETHEUS' && v.type === 'datasource'),
    )
    const ids = json.panels.map((p) => p.id)
    assert.equal(new Set(ids).size, ids.length, `${file}: duplicate panel ids`)
    const cells = new Set<string>()
    for (const p of json.panels) {
      const { x, y, w, h } = p.gridPos
      assert.ok(x >= 0 && w > 0 && x + w <= 24, `${file} ${p.title}: outside the grid`)
      for (let i = x; i < x + w; i++)
        for (let j = y; j < y + h; j++) {
          assert.ok(!cells.has(`${i},${j}`), `${file} ${p.title}: overlaps another panel`)
          cells.add(`${i},${j}`)
        }
      if (p.type === 'row') continue
      assert.equal(p.datasource?.uid, '${DS_PROMETHEUS}', `${file} ${p.title}: datasource`)
      assert.ok((p.targets ?? []).length > 0, `${file} ${p.title}: no queries`)
      for (const t of p.targets ?? []) assert.equal(t.datasource?.uid, '${DS_PROMETHEUS}')
    }
  }
})

test('upstream’s operator panels are all on the LLM Router Metrics dashboard', () => {
  const main = dashboards.find((d) => d.json.uid === 'llm-router-metrics')
  assert.ok(main)
  const titles = main.json.panels.map((p) => p.title)
  for (const t of [
    'Prompt Category',
    'Token Usage Rate by Model',
    'Model Routing Rate',
    'Model Completion Latency (p95)',
    'TTFT (p95) by Model',
    'TPOT (p95) by Model (sec/token)',
    'Reasoning Rate by Model',
    'Model Cost Rate (USD/sec)',
    'Refusal Rates by Model',
    'Refusal Rate Percentage by Model',
    'Total Cost by Model (USD)',
    'Model Completion Latency (p50/p90/p99)',
    'Routing Flow (Source → Target Model)',
    'Classification Confidence Distribution',
    'Semantic Cache Hit Rate',
    'Cost per Category (USD)',
  ])
    assert.ok(titles.includes(t), `missing panel ${t}`)
})

test('queries use only metrics the router exports', async () => {
  const exported = await exportedSeriesNames()
  const processMetrics = new Set(
    (await new RouterMetrics({ processMetrics: true }).registry.getMetricsAsJSON()).map(
      (m) => m.name,
    ),
  )
  for (const q of queries) {
    const names = q.expr.match(/\b(llm|process|nodejs)_[a-z0-9_]+\b/g) ?? []
    assert.ok(names.length > 0, `${q.panel}: no metric`)
    for (const name of names)
      assert.ok(
        exported.has(name) || processMetrics.has(name),
        `${q.panel}: ${name} is not exported`,
      )
  }
})

test('every query parses (promtool)', (t) => {
  const promtool = requireTool(t, 'promtool')
  if (!promtool) return
  const dir = mkdtempSync(join(tmpdir(), 'sr-dash-'))
  try {
    const file = join(dir, 'queries.yaml')
    const rules = queries.map((q, i) => ({ record: `dashboard_query_${i}`, expr: q.promql }))
    writeFileSync(file, stringify({ groups: [{ name: 'dashboards', rules }] }))
    const result = run(promtool, ['check', 'rules', file])
    assert.equal(result.status, 0, result.stdout + result.stderr)
    // And the check can fail: a broken query is rejected.
    writeFileSync(
      file,
      stringify({ groups: [{ name: 'x', rules: [{ record: 'x', expr: 'sum by (a (up)' }] }] }),
    )
    assert.notEqual(run(promtool, ['check', 'rules', file]).status, 0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('docs/operations.md describes every panel with its query', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8')
  for (const { json } of dashboards)
    for (const p of json.panels.filter((x) => x.type !== 'row')) {
      assert.ok(doc.includes(`#### ${p.title}\n`), `docs: no section for panel ${p.title}`)
      for (const target of p.targets ?? [])
        assert.ok(doc.includes(target.expr), `docs: query of ${p.title} missing`)
    }
})
