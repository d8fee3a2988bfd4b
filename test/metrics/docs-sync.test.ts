/** docs/metrics.md lists every metric in src/metrics/router-metrics.ts (name, type, labels). */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'

const DOC = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'metrics.md'), 'utf8')

interface Row {
  type: string
  labels: string[]
}

/** Rows of the form | `name` | type | `a`, `b` | meaning | */
function documented(): Map<string, Row> {
  const rows = new Map<string, Row>()
  for (const m of DOC.matchAll(
    /^\| `([a-z_:]+)` \| (counter|gauge|histogram|summary) \| ([^|]*) \|/gm,
  )) {
    const labels = [...(m[3] ?? '').matchAll(/`([a-z_]+)`/g)].map((x) => x[1]!)
    assert.ok(!rows.has(m[1]!), `${m[1]} is documented twice`)
    rows.set(m[1]!, { type: m[2]!, labels })
  }
  return rows
}

function defined(): Map<string, Row> {
  const rows = new Map<string, Row>()
  for (const metric of new RouterMetrics().registry.getMetricsAsArray()) {
    const m = metric as unknown as { name: string; type: string; labelNames: readonly string[] }
    rows.set(m.name, { type: String(m.type), labels: [...m.labelNames] })
  }
  return rows
}

describe('docs/metrics.md', () => {
  it('documents every metric the router defines, and nothing else', () => {
    assert.deepEqual([...documented().keys()].sort(), [...defined().keys()].sort())
  })
  it('gives each metric its real type and labels', () => {
    const docs = documented()
    for (const [name, row] of defined()) {
      assert.deepEqual(docs.get(name), row, name)
    }
  })
})
