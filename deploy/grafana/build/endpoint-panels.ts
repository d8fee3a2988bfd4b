/**
 * Endpoint panels both dashboards show: the operations dashboard's row "Endpoints: load, health,
 * retries" and the compact "Endpoints" row of LLM Router Metrics (where a user of the main
 * dashboard looks first). docs/operations.md describes them once.
 */
import type { PanelSpec } from './grafana-json.js'

const RATE = '$__rate_interval'
const PICKS = `rate(llm_endpoint_picks_total[${RATE}])`

export const endpointTrafficShare: PanelSpec = {
  title: 'Endpoint Traffic Share',
  description: 'Share of the picks each endpoint got (weights are shares; slow ones get less).',
  kind: 'timeseries',
  unit: 'percentunit',
  min: 0,
  targets: [
    {
      expr: `sum by (endpoint) (${PICKS}) / ignoring(endpoint) group_left() sum(${PICKS})`,
      legend: '{{endpoint}}',
    },
  ],
}

export const endpointsOutOfRotation: PanelSpec = {
  title: 'Endpoints Out of Rotation',
  description:
    'Endpoints taking no new requests, by why: ejected, cooling_down (429/503 Retry-After), half_open, unhealthy.',
  kind: 'timeseries',
  unit: 'short',
  min: 0,
  decimals: 0,
  targets: [
    {
      expr: 'sum by (state) (max by (endpoint, state) (llm_endpoint_health_state{state!="healthy"}))',
      legend: '{{state}}',
    },
  ],
}

export const standbyTrafficShare: PanelSpec = {
  title: 'Standby Traffic Share',
  description:
    'Share of picks that went to standby endpoints (priority ≥ 1): 0 while the primaries are healthy.',
  kind: 'timeseries',
  unit: 'percentunit',
  min: 0,
  targets: [
    {
      expr: `sum(sum by (endpoint) (${PICKS}) * on(endpoint) group_left() max by (endpoint) (llm_endpoint_priority > bool 0)) / sum(${PICKS})`,
      legend: 'standby',
    },
  ],
}
