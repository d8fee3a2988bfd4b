/**
 * Builds Grafana dashboard JSON (schema 39, Grafana 10/11) from short panel specs, so every panel
 * gets the same datasource wiring, legend and layout and the dashboards stay reviewable as code.
 *
 * Dashboards use a datasource template variable named DS_PROMETHEUS (upstream's name): it works
 * both for "Import dashboard" in the UI and for file provisioning, where `__inputs` placeholders
 * would not be resolved.
 */

export type PanelKind = 'timeseries' | 'bargauge' | 'stat'

export interface TargetSpec {
  readonly expr: string
  readonly legend: string
  /** `heatmap` turns cumulative `le` buckets into per-bucket counts (distribution panels). */
  readonly format?: 'time_series' | 'heatmap'
}

export interface PanelSpec {
  readonly title: string
  /** Shown as the panel's info tooltip; docs/operations.md has the longer explanation. */
  readonly description: string
  readonly kind: PanelKind
  /** Grafana unit id: s, reqps, percent, percentunit, currencyUSD, bytes, short, none. */
  readonly unit: string
  readonly targets: readonly TargetSpec[]
  /** Grid width out of 24 (default 12). */
  readonly width?: number
  readonly min?: number
  readonly max?: number
  readonly decimals?: number
}

export interface RowSpec {
  readonly title: string
  readonly panels: readonly PanelSpec[]
}

export interface DashboardSpec {
  readonly uid: string
  readonly title: string
  readonly description: string
  readonly tags: readonly string[]
  readonly rows: readonly RowSpec[]
}

const DATASOURCE = { type: 'prometheus', uid: '${DS_PROMETHEUS}' } as const
const PANEL_HEIGHT = 8
const REF_IDS = 'ABCDEFGHIJ'

type Json = Record<string, unknown>

function target(spec: TargetSpec, index: number, instant: boolean): Json {
  return {
    refId: REF_IDS[index],
    datasource: DATASOURCE,
    expr: spec.expr,
    legendFormat: spec.legend,
    format: spec.format ?? 'time_series',
    range: !instant,
    instant,
    editorMode: 'code',
  }
}

function fieldDefaults(spec: PanelSpec): Json {
  return {
    unit: spec.unit,
    ...(spec.min === undefined ? {} : { min: spec.min }),
    ...(spec.max === undefined ? {} : { max: spec.max }),
    ...(spec.decimals === undefined ? {} : { decimals: spec.decimals }),
    color: { mode: spec.kind === 'timeseries' ? 'palette-classic' : 'continuous-BlPu' },
    ...(spec.kind === 'timeseries'
      ? { custom: { drawStyle: 'line', lineWidth: 1, fillOpacity: 10, showPoints: 'never' } }
      : {}),
  }
}

function options(spec: PanelSpec): Json {
  const reduce = { calcs: ['lastNotNull'], fields: '', values: false }
  switch (spec.kind) {
    case 'timeseries':
      return {
        legend: {
          displayMode: 'table',
          placement: 'bottom',
          showLegend: true,
          calcs: ['mean', 'max'],
        },
        tooltip: { mode: 'multi', sort: 'desc' },
      }
    case 'bargauge':
      return {
        orientation: 'horizontal',
        displayMode: 'gradient',
        showUnfilled: true,
        reduceOptions: reduce,
      }
    case 'stat':
      return { reduceOptions: reduce, colorMode: 'value', graphMode: 'area', textMode: 'auto' }
  }
}

function panel(spec: PanelSpec, id: number, gridPos: Json): Json {
  // Bar gauges and stats show one value per series: ask Prometheus for an instant vector.
  const instant = spec.kind !== 'timeseries'
  return {
    id,
    type: spec.kind,
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    gridPos,
    fieldConfig: { defaults: fieldDefaults(spec), overrides: [] },
    options: options(spec),
    targets: spec.targets.map((t, i) => target(t, i, instant)),
  }
}

/** Lay rows out top to bottom, panels left to right, wrapping at 24 columns. */
export function buildDashboard(spec: DashboardSpec): Json {
  const panels: Json[] = []
  let id = 1
  let y = 0
  for (const row of spec.rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    })
    y += 1
    let x = 0
    for (const p of row.panels) {
      const w = p.width ?? 12
      if (x + w > 24) {
        x = 0
        y += PANEL_HEIGHT
      }
      panels.push(panel(p, id++, { h: PANEL_HEIGHT, w, x, y }))
      x += w
    }
    y += PANEL_HEIGHT
  }
  return {
    __requires: [
      { type: 'grafana', id: 'grafana', name: 'Grafana', version: '10.0.0' },
      { type: 'datasource', id: 'prometheus', name: 'Prometheus', version: '1.0.0' },
      ...(['timeseries', 'bargauge', 'stat'] as const).map((k) => ({
        type: 'panel',
        id: k,
        name: k,
        version: '',
      })),
    ],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    description: spec.description,
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    id: null,
    links: [],
    panels,
    refresh: '30s',
    schemaVersion: 39,
    tags: spec.tags,
    templating: {
      list: [
        {
          name: 'DS_PROMETHEUS',
          label: 'Prometheus',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
          includeAll: false,
          multi: false,
          options: [],
          refresh: 1,
          regex: '',
        },
      ],
    },
    time: { from: 'now-1h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    title: spec.title,
    uid: spec.uid,
    version: 1,
  }
}
