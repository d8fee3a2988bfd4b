/**
 * The alert rules (deploy/prometheus) are checked and unit-tested with Debian's real promtool, and
 * cross-checked against the metrics the router really exports and the runbook in the docs.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { parse as parseYaml } from 'yaml'
import { DEPLOY, ROOT, requireTool, run } from './tools.js'
import { exportedSeriesNames, routerMetricsIn } from './metric-names.js'
import { serverSchema } from '../../src/config/schema/server.js'
import { headingAnchors } from './markdown.js'

const PROM_DIR = join(DEPLOY, 'prometheus')
const RULE_FILES = ['thresholds.yaml', 'alerts.yaml'].map((f) => join(PROM_DIR, f))
const UNIT_TESTS = join(PROM_DIR, 'tests', 'alerts.test.yaml')

interface Rule {
  alert?: string
  record?: string
  expr: string
  annotations?: Record<string, string>
}
interface RuleFile {
  groups: { name: string; rules: Rule[] }[]
}
interface UnitTestFile {
  tests: {
    alert_rule_test: { alertname: string; exp_alerts: unknown[] }[]
  }[]
}

function rules(file: string): Rule[] {
  return (parseYaml(readFileSync(file, 'utf8')) as RuleFile).groups.flatMap((g) => g.rules)
}
const alerts = rules(join(PROM_DIR, 'alerts.yaml'))
const thresholds = rules(join(PROM_DIR, 'thresholds.yaml'))

test('promtool accepts the rule files', (t) => {
  const promtool = requireTool(t, 'promtool')
  if (!promtool) return
  const result = run(promtool, ['check', 'rules', ...RULE_FILES])
  assert.equal(result.status, 0, result.stdout + result.stderr)
  assert.match(result.stdout, new RegExp(`SUCCESS: ${alerts.length} rules found`))
})

test('promtool unit tests pass with the shipped thresholds', (t) => {
  const promtool = requireTool(t, 'promtool')
  if (!promtool) return
  const result = run(promtool, ['test', 'rules', UNIT_TESTS])
  assert.equal(result.status, 0, result.stdout + result.stderr)
})

test('thresholds are configurable: a raised threshold makes the unit tests fail', (t) => {
  const promtool = requireTool(t, 'promtool')
  if (!promtool) return
  const dir = mkdtempSync(join(tmpdir(), 'sr-alerts-'))
  try {
    cpSync(PROM_DIR, dir, { recursive: true })
    const path = join(dir, 'thresholds.yaml')
    const text = readFileSync(path, 'utf8')
    const raised = text.replace(
      /(record: semantic_router:alert_threshold:error_ratio\n\s+expr: )vector\(0\.05\)/,
      '$1vector(0.5)',
    )
    assert.notEqual(raised, text, 'the error_ratio threshold line was not found')
    writeFileSync(path, raised)
    const result = run(promtool, ['test', 'rules', join(dir, 'tests', 'alerts.test.yaml')])
    assert.notEqual(result.status, 0)
    assert.match(result.stdout + result.stderr, /SemanticRouterHighErrorRatio/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('promtool rejects a broken expression (the check can fail)', (t) => {
  const promtool = requireTool(t, 'promtool')
  if (!promtool) return
  const dir = mkdtempSync(join(tmpdir(), 'sr-alerts-'))
  try {
    const path = join(dir, 'alerts.yaml')
    writeFileSync(
      path,
      readFileSync(join(PROM_DIR, 'alerts.yaml'), 'utf8').replace('== 0', '== == 0'),
    )
    const result = run(promtool, ['check', 'rules', path])
    assert.notEqual(result.status, 0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('the brief’s alerts all exist', () => {
  const names = alerts.map((r) => r.alert)
  for (const expected of [
    'SemanticRouterHighErrorRatio',
    'SemanticRouterUpstream5xx',
    'SemanticRouterCompletionLatencySLO',
    'SemanticRouterJailbreakBlockSpike',
    'SemanticRouterPIIBlockSpike',
    'SemanticRouterCacheBackendErrors',
    'SemanticRouterClassifierFailures',
    'SemanticRouterConfigReloadFailed',
    'SemanticRouterNoTraffic',
  ]) {
    assert.ok(names.includes(expected), `${expected} is missing`)
  }
})

test('every alert has a firing case and a quiet case in the promtool unit tests', () => {
  const cases = (parseYaml(readFileSync(UNIT_TESTS, 'utf8')) as UnitTestFile).tests.flatMap(
    (c) => c.alert_rule_test,
  )
  for (const { alert } of alerts) {
    const mine = cases.filter((c) => c.alertname === alert)
    assert.ok(
      mine.some((c) => c.exp_alerts.length > 0),
      `${alert}: no test expects it to fire`,
    )
    assert.ok(
      mine.some((c) => c.exp_alerts.length === 0),
      `${alert}: no test expects it to stay quiet`,
    )
  }
})

test('every threshold is used by an alert and every threshold an alert uses exists', () => {
  const defined = new Set(thresholds.map((r) => r.record))
  const used = new Set(
    alerts.flatMap((r) => r.expr.match(/semantic_router:alert_threshold:\w+/g) ?? []),
  )
  assert.deepEqual([...used].sort(), [...defined].sort())
})

test('alerts only use metrics the router exports', async () => {
  const exported = await exportedSeriesNames()
  for (const rule of alerts) {
    for (const name of routerMetricsIn(rule.expr)) {
      assert.ok(
        exported.has(name),
        `${rule.alert} uses ${name}, which RouterMetrics does not export`,
      )
    }
  }
})

test('every alert links to a runbook section in docs/operations.md', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8')
  const anchors = headingAnchors(doc)
  for (const rule of alerts) {
    const runbook = rule.annotations?.['runbook'] ?? ''
    const [file, anchor] = runbook.split('#')
    assert.equal(file, 'docs/operations.md', `${rule.alert}: runbook ${runbook}`)
    assert.ok(anchors.has(anchor ?? ''), `${rule.alert}: docs/operations.md has no #${anchor}`)
  }
})

test('the example Prometheus config is valid and scrapes the default metrics port', (t) => {
  const defaults = serverSchema.parse({})
  const config = parseYaml(readFileSync(join(PROM_DIR, 'prometheus.yaml'), 'utf8')) as {
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[]
  }
  const job = config.scrape_configs.find((c) => c.job_name === 'semantic-router')
  assert.ok(job, 'no semantic-router job')
  assert.deepEqual(job.static_configs[0]?.targets, [`127.0.0.1:${defaults.metrics_port}`])
  const promtool = requireTool(t, 'promtool')
  if (!promtool) return
  const result = run(promtool, ['check', 'config', join(PROM_DIR, 'prometheus.yaml')])
  assert.equal(result.status, 0, result.stdout + result.stderr)
})
