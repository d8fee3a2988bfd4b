/** Reads the queries out of Grafana dashboard JSON and makes them runnable by Prometheus. */

export interface DashboardTarget {
  expr: string
  legendFormat?: string
  instant?: boolean
  datasource?: { uid?: string }
}

export interface DashboardPanel {
  id: number
  type: string
  title: string
  gridPos: { x: number; y: number; w: number; h: number }
  datasource?: { uid?: string }
  targets?: DashboardTarget[]
}

export interface Dashboard {
  uid: string
  title: string
  panels: DashboardPanel[]
  templating: { list: { name: string; type: string }[] }
}

export interface PanelQuery {
  dashboard: string
  panel: string
  expr: string
  /** The query with Grafana's variables replaced, as Prometheus would receive it. */
  promql: string
}

/** Grafana's built-in interval variables, replaced as Grafana would for a short test window. */
export function substituteVariables(expr: string, rateInterval = '1m', range = '5m'): string {
  return expr.replaceAll('$__rate_interval', rateInterval).replaceAll('$__range', range)
}

export function dashboardQueries(dashboards: readonly Dashboard[]): PanelQuery[] {
  return dashboards.flatMap((d) =>
    d.panels.flatMap((p) =>
      (p.targets ?? []).map((t) => ({
        dashboard: d.title,
        panel: p.title,
        expr: t.expr,
        promql: substituteVariables(t.expr),
      })),
    ),
  )
}
