/**
 * Writes the dashboards to deploy/grafana/*.json. Run after changing a dashboard spec:
 *   node --import tsx deploy/grafana/build/index.ts
 * test/deploy/dashboards.test.ts fails when the committed JSON differs from what this writes.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildDashboard, type DashboardSpec } from './grafana-json.js'
import { llmRouterDashboard } from './llm-router-dashboard.js'
import { operationsDashboard } from './operations-dashboard.js'

/** File name → dashboard. */
export const DASHBOARDS: Readonly<Record<string, DashboardSpec>> = {
  'llm-router-dashboard.json': llmRouterDashboard,
  'semantic-router-operations.json': operationsDashboard,
}

export function renderDashboard(spec: DashboardSpec): string {
  return `${JSON.stringify(buildDashboard(spec), null, 2)}\n`
}

if (process.argv[1] === import.meta.filename) {
  const dir = join(import.meta.dirname, '..')
  for (const [file, spec] of Object.entries(DASHBOARDS)) {
    writeFileSync(join(dir, file), renderDashboard(spec))
    process.stdout.write(`wrote deploy/grafana/${file}\n`)
  }
}
