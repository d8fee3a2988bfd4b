/**
 * "LLM Router Metrics": upstream's operator dashboard (same title and uid, so it replaces an
 * imported upstream copy) with its twelve panels, plus routing flow, routing policy, confidence,
 * cache hit rate, cost per category and a compact endpoint row (traffic share, endpoints out of
 * rotation, standby share). docs/operations.md describes every panel.
 */
import {
  endpointsOutOfRotation,
  endpointTrafficShare,
  standbyTrafficShare,
} from './endpoint-panels.js'
import type { DashboardSpec } from './grafana-json.js'

const RATE = '$__rate_interval'
const RANGE = '$__range'

function quantile(q: number, metric: string, by: string): string {
  return `histogram_quantile(${q}, sum by (${by}) (rate(${metric}_bucket[${RATE}])))`
}

export const llmRouterDashboard: DashboardSpec = {
  uid: 'llm-router-metrics',
  title: 'LLM Router Metrics',
  description:
    'Semantic router: what is asked, where it is routed, latency, reasoning, cost and refusals.',
  tags: ['semantic-router', 'llm'],
  rows: [
    {
      title: 'Traffic and routing',
      panels: [
        {
          title: 'Prompt Category',
          description: 'Requests classified into each category since the router started.',
          kind: 'bargauge',
          unit: 'none',
          decimals: 0,
          targets: [
            {
              expr: 'sum by (category) (llm_category_classifications_count)',
              legend: '{{category}}',
            },
          ],
        },
        {
          title: 'Token Usage Rate by Model',
          description: 'Prompt and completion tokens per second, by the model that served them.',
          kind: 'timeseries',
          unit: 'short',
          targets: [
            {
              expr: `sum by (model) (rate(llm_model_completion_tokens_total[${RATE}]))`,
              legend: '{{model}} completion',
            },
            {
              expr: `sum by (model) (rate(llm_model_prompt_tokens_total[${RATE}]))`,
              legend: '{{model}} prompt',
            },
          ],
        },
        {
          title: 'Model Routing Rate',
          description: 'Auto-routed requests per second whose model the router changed.',
          kind: 'timeseries',
          unit: 'reqps',
          targets: [
            {
              expr: `sum by (source_model, target_model) (rate(llm_model_routing_modifications_total[${RATE}]))`,
              legend: '{{source_model}} → {{target_model}}',
            },
          ],
        },
        {
          title: 'Routing Flow (Source → Target Model)',
          description: 'How many requests went from each requested model to each selected model.',
          kind: 'bargauge',
          unit: 'none',
          decimals: 0,
          targets: [
            {
              expr: `sum by (source_model, target_model) (increase(llm_model_routing_modifications_total[${RANGE}]))`,
              legend: '{{source_model}} → {{target_model}}',
            },
          ],
        },
        {
          title: 'Routing Policy (Category → Model)',
          description:
            'Which model the routing policy picked for each category, in the time range.',
          kind: 'bargauge',
          unit: 'none',
          decimals: 0,
          targets: [
            {
              expr: `sum by (category, model) (increase(llm_reasoning_decisions_total[${RANGE}]))`,
              legend: '{{category}} → {{model}}',
            },
          ],
        },
        {
          title: 'Reasoning Rate by Model',
          description: 'Auto-routed requests per second with reasoning on (by effort) and off.',
          kind: 'timeseries',
          unit: 'reqps',
          targets: [
            {
              expr: `sum by (model, effort) (rate(llm_reasoning_decisions_total{enabled="true"}[${RATE}]))`,
              legend: '{{model}} reasoning on ({{effort}})',
            },
            {
              expr: `sum by (model) (rate(llm_reasoning_decisions_total{enabled="false"}[${RATE}]))`,
              legend: '{{model}} reasoning off',
            },
          ],
        },
      ],
    },
    {
      title: 'Latency',
      panels: [
        {
          title: 'Model Completion Latency (p95)',
          description: '95th percentile of request-to-last-byte time, by model.',
          kind: 'timeseries',
          unit: 's',
          targets: [
            {
              expr: quantile(0.95, 'llm_model_completion_latency_seconds', 'le, model'),
              legend: '{{model}}',
            },
          ],
        },
        {
          title: 'Model Completion Latency (p50/p90/p99)',
          description: 'Completion latency percentiles over all models.',
          kind: 'timeseries',
          unit: 's',
          targets: [0.5, 0.9, 0.99].map((q) => ({
            expr: quantile(q, 'llm_model_completion_latency_seconds', 'le'),
            legend: `p${Math.round(q * 100)}`,
          })),
        },
        {
          title: 'TTFT (p95) by Model',
          description: '95th percentile of time to first token (streams) or to headers.',
          kind: 'timeseries',
          unit: 's',
          targets: [
            { expr: quantile(0.95, 'llm_model_ttft_seconds', 'le, model'), legend: '{{model}}' },
          ],
        },
        {
          title: 'TPOT (p95) by Model (sec/token)',
          description: '95th percentile of generation time per output token.',
          kind: 'timeseries',
          unit: 's',
          targets: [
            { expr: quantile(0.95, 'llm_model_tpot_seconds', 'le, model'), legend: '{{model}}' },
          ],
        },
      ],
    },
    {
      // Compact: the operations dashboard has the full endpoint row (latency, retries, failovers).
      title: 'Endpoints',
      panels: [
        { ...endpointTrafficShare, width: 8 },
        { ...endpointsOutOfRotation, width: 8 },
        { ...standbyTrafficShare, width: 8 },
      ],
    },
    {
      title: 'Cost',
      panels: [
        {
          title: 'Model Cost Rate (USD/sec)',
          description: 'Spend per second by model, from model_config pricing.',
          kind: 'timeseries',
          unit: 'currencyUSD',
          targets: [
            {
              expr: `sum by (model) (rate(llm_model_cost_total{currency="USD"}[${RATE}]))`,
              legend: '{{model}}',
            },
          ],
        },
        {
          title: 'Total Cost by Model (USD)',
          description: 'Spend by model in the selected time range.',
          kind: 'bargauge',
          unit: 'currencyUSD',
          targets: [
            {
              expr: `sum by (model) (increase(llm_model_cost_total{currency="USD"}[${RANGE}]))`,
              legend: '{{model}}',
            },
          ],
        },
        {
          title: 'Cost per Category (USD)',
          description: 'Spend by prompt category in the selected time range.',
          kind: 'bargauge',
          unit: 'currencyUSD',
          targets: [
            {
              expr: `sum by (category) (increase(llm_category_cost_total{currency="USD"}[${RANGE}]))`,
              legend: '{{category}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Refusals',
      panels: [
        {
          title: 'Refusal Rates by Model',
          description: 'Requests per second refused by a PII policy or blocked as a jailbreak.',
          kind: 'timeseries',
          unit: 'reqps',
          targets: [
            {
              expr: `sum by (model) (rate(llm_request_errors_total{reason="pii_policy_denied"}[${RATE}]))`,
              legend: '{{model}} PII policy',
            },
            {
              expr: `sum by (model) (rate(llm_request_errors_total{reason="jailbreak_block"}[${RATE}]))`,
              legend: '{{model}} jailbreak',
            },
          ],
        },
        {
          title: 'Refusal Rate Percentage by Model',
          description: 'Refused requests as a percentage of all requests, split by model.',
          kind: 'timeseries',
          unit: 'percent',
          targets: [
            {
              expr: `100 * sum by (model) (rate(llm_request_errors_total{reason=~"pii_policy_denied|jailbreak_block"}[${RATE}])) / on() group_left() sum(rate(llm_model_requests_total[${RATE}]))`,
              legend: '{{model}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Classification and cache',
      panels: [
        {
          title: 'Classification Confidence Distribution',
          description: 'How many classifications fell into each confidence bucket in the range.',
          kind: 'bargauge',
          unit: 'none',
          decimals: 0,
          targets: [
            {
              expr: `sum by (le) (increase(llm_classification_confidence_bucket[${RANGE}]))`,
              legend: '{{le}}',
              format: 'heatmap',
            },
          ],
        },
        {
          title: 'Mean Classification Confidence by Category',
          description: 'Average confidence of the chosen category.',
          kind: 'timeseries',
          unit: 'percentunit',
          min: 0,
          max: 1,
          targets: [
            {
              expr: `sum by (category) (rate(llm_classification_confidence_sum[${RATE}])) / sum by (category) (rate(llm_classification_confidence_count[${RATE}]))`,
              legend: '{{category}}',
            },
          ],
        },
        {
          title: 'Semantic Cache Hit Rate',
          description: 'Share of cache lookups answered from the semantic cache.',
          kind: 'timeseries',
          unit: 'percentunit',
          min: 0,
          max: 1,
          width: 24,
          targets: [
            {
              expr: `sum(rate(llm_cache_hits_total[${RATE}])) / (sum(rate(llm_cache_hits_total[${RATE}])) + sum(rate(llm_cache_misses_total[${RATE}])))`,
              legend: 'hit rate',
            },
          ],
        },
      ],
    },
  ],
}
