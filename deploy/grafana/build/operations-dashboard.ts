/**
 * "Semantic Router Operations": the router's own health — traffic, errors, internal latency,
 * classifiers, semantic cache, config reloads, process resources. It is the dashboard to open when
 * an alert from deploy/prometheus/alerts.yaml fires. docs/operations.md describes every panel.
 */
import type { DashboardSpec } from './grafana-json.js'
import {
  endpointsOutOfRotation,
  endpointTrafficShare,
  standbyTrafficShare,
} from './endpoint-panels.js'

const RATE = '$__rate_interval'
/** Process metrics carry no llm_ prefix; the job keeps other Node processes out. */
const JOB = 'job="semantic-router"'

function quantile(q: number, metric: string, by: string): string {
  return `histogram_quantile(${q}, sum by (${by}) (rate(${metric}_bucket[${RATE}])))`
}

export const operationsDashboard: DashboardSpec = {
  uid: 'semantic-router-operations',
  title: 'Semantic Router Operations',
  description:
    'Semantic router health: traffic, errors, router latency, classifiers, cache, config.',
  tags: ['semantic-router', 'operations'],
  rows: [
    {
      title: 'Requests and errors',
      panels: [
        {
          title: 'Requests by Model',
          description: 'Requests per second by the model named in the request (auto/MoM included).',
          kind: 'timeseries',
          unit: 'reqps',
          targets: [
            {
              expr: `sum by (model) (rate(llm_model_requests_total[${RATE}]))`,
              legend: '{{model}}',
            },
          ],
        },
        {
          title: 'Errors by Reason',
          description: 'Errors and refusals per second by reason (upstream_5xx, parse_error, ...).',
          kind: 'timeseries',
          unit: 'reqps',
          targets: [
            {
              expr: `sum by (reason) (rate(llm_request_errors_total[${RATE}]))`,
              legend: '{{reason}}',
            },
          ],
        },
        {
          title: 'Error Ratio (Refusals Excluded)',
          description: 'Share of requests that ended in an error, not counting policy refusals.',
          kind: 'timeseries',
          unit: 'percentunit',
          min: 0,
          targets: [
            {
              expr: `(sum(rate(llm_request_errors_total{reason!~"jailbreak_block|pii_policy_denied"}[${RATE}])) or on() vector(0)) / sum(rate(llm_model_requests_total[${RATE}]))`,
              legend: 'error ratio',
            },
          ],
        },
        {
          title: 'Routing Decisions by Reason',
          description: 'Routing decisions per second by reason code and selected model.',
          kind: 'timeseries',
          unit: 'reqps',
          targets: [
            {
              expr: `sum by (reason_code, model) (rate(llm_routing_reason_codes_total[${RATE}]))`,
              legend: '{{reason_code}} → {{model}}',
            },
          ],
        },
        {
          title: 'Requests in Flight by Transport',
          description: 'Requests being processed right now, per transport (gateway, extproc).',
          kind: 'timeseries',
          unit: 'short',
          targets: [
            { expr: 'sum by (transport) (llm_router_inflight_requests)', legend: '{{transport}}' },
          ],
        },
        {
          title: 'Prompt Tokens per Request (p50/p95)',
          description: 'Prompt size percentiles over all models.',
          kind: 'timeseries',
          unit: 'short',
          targets: [0.5, 0.95].map((q) => ({
            expr: quantile(q, 'llm_prompt_tokens_per_request', 'le'),
            legend: `p${Math.round(q * 100)}`,
          })),
        },
      ],
    },
    {
      title: 'Router internals',
      panels: [
        {
          title: 'Routing Latency (p50/p99)',
          description: 'Time the router spends before forwarding (classify, guard, cache, select).',
          kind: 'timeseries',
          unit: 's',
          targets: [0.5, 0.99].map((q) => ({
            expr: quantile(q, 'llm_model_routing_latency_seconds', 'le'),
            legend: `p${Math.round(q * 100)}`,
          })),
        },
        {
          title: 'Classifier Latency (p99)',
          description: '99th percentile latency of each classifier in the chain.',
          kind: 'timeseries',
          unit: 's',
          targets: [
            {
              expr: quantile(0.99, 'llm_classifier_latency_seconds', 'le, classifier'),
              legend: '{{classifier}}',
            },
          ],
        },
        {
          title: 'Classifier Failures',
          description:
            'Classifier errors per second, by classifier and on_error policy (0 = none).',
          kind: 'timeseries',
          unit: 'short',
          targets: [
            {
              expr: `sum by (classifier, policy) (rate(llm_classifier_errors_total[${RATE}])) or on() vector(0)`,
              legend: '{{classifier}} ({{policy}})',
            },
          ],
        },
        {
          title: 'Config Reloads',
          description: 'Config reload attempts by result in each interval.',
          kind: 'timeseries',
          unit: 'short',
          targets: [
            {
              expr: `sum by (result) (increase(llm_config_reloads_total[${RATE}]))`,
              legend: '{{result}}',
            },
          ],
        },
        {
          title: 'Config Age',
          description: 'Time since each router last loaded its config successfully.',
          kind: 'stat',
          unit: 's',
          targets: [
            {
              expr: 'time() - llm_config_last_reload_success_timestamp_seconds',
              legend: '{{instance}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Semantic cache',
      panels: [
        {
          title: 'Cache Operations',
          description: 'Cache operations per second by backend, operation and status.',
          kind: 'timeseries',
          unit: 'ops',
          targets: [
            {
              expr: `sum by (backend, operation, status) (rate(llm_cache_operations_total[${RATE}]))`,
              legend: '{{backend}} {{operation}} {{status}}',
            },
          ],
        },
        {
          title: 'Cache Operation Latency (p99)',
          description: '99th percentile latency of cache operations by backend and operation.',
          kind: 'timeseries',
          unit: 's',
          targets: [
            {
              expr: quantile(
                0.99,
                'llm_cache_operation_duration_seconds',
                'le, backend, operation',
              ),
              legend: '{{backend}} {{operation}}',
            },
          ],
        },
        {
          title: 'Cache Backend Up',
          description: '1 while the cache backend is usable, 0 while requests bypass it.',
          kind: 'stat',
          unit: 'none',
          targets: [{ expr: 'min by (backend) (llm_cache_backend_up)', legend: '{{backend}}' }],
        },
        {
          title: 'Cache Entries',
          description: 'Entries held by each cache backend (per replica for memory).',
          kind: 'timeseries',
          unit: 'short',
          targets: [{ expr: 'sum by (backend) (llm_cache_entries_total)', legend: '{{backend}}' }],
        },
      ],
    },
    {
      title: 'Endpoints: load, health, retries',
      panels: [
        endpointTrafficShare,
        {
          title: 'Endpoint Latency (p99)',
          description: 'p99 latency of successful answers per endpoint (TTFB for streams).',
          kind: 'timeseries',
          unit: 's',
          targets: [
            {
              expr: quantile(0.99, 'llm_endpoint_latency_seconds', 'le, endpoint'),
              legend: '{{endpoint}}',
            },
          ],
        },
        {
          title: 'Endpoint Requests in Flight',
          description: 'Requests sent to each endpoint and not finished, through both transports.',
          kind: 'timeseries',
          unit: 'short',
          targets: [
            {
              expr: 'sum by (endpoint) (llm_endpoint_requests_in_flight)',
              legend: '{{endpoint}}',
            },
          ],
        },
        {
          title: 'Endpoint Health',
          description:
            'Each endpoint’s state: healthy, ejected, cooling_down, half_open or unhealthy.',
          kind: 'timeseries',
          unit: 'short',
          targets: [
            {
              expr: 'max by (endpoint, state) (llm_endpoint_health_state) > 0',
              legend: '{{endpoint}} {{state}}',
            },
          ],
        },
        {
          title: 'Endpoint Ejections',
          description: 'Outlier ejections per endpoint over the last 5 minutes.',
          kind: 'timeseries',
          unit: 'short',
          targets: [
            {
              expr: 'sum by (endpoint) (increase(llm_endpoint_ejections_total[5m]))',
              legend: '{{endpoint}}',
            },
          ],
        },
        {
          title: 'Retries by Endpoint and Reason',
          description: 'Failed tries retried elsewhere, per second, by endpoint and reason.',
          kind: 'timeseries',
          unit: 'reqps',
          targets: [
            {
              expr: `sum by (endpoint, reason) (rate(llm_endpoint_retries_total[${RATE}]))`,
              legend: '{{endpoint}} {{reason}}',
            },
          ],
        },
        {
          title: 'Model Failovers',
          description: 'Requests moved to the decision’s next model, per second.',
          kind: 'timeseries',
          unit: 'reqps',
          targets: [
            {
              expr: `sum by (from_model, to_model) (rate(llm_model_failovers_total[${RATE}]))`,
              legend: '{{from_model}} → {{to_model}}',
            },
          ],
        },
        endpointsOutOfRotation,
        standbyTrafficShare,
      ],
    },
    {
      title: 'A/B splits and learned scores',
      panels: [
        {
          title: 'Split Requests by Arm',
          description:
            'Requests per second assigned to each arm of each traffic split (A/B, canary).',
          kind: 'timeseries',
          unit: 'reqps',
          targets: [
            {
              expr: `sum by (split, arm) (rate(llm_split_requests_total[${RATE}]))`,
              legend: '{{split}} {{arm}}',
            },
          ],
        },
        {
          title: 'Split Error Ratio by Arm',
          description: 'Share of each arm’s requests that ended in an upstream error.',
          kind: 'timeseries',
          unit: 'percentunit',
          targets: [
            {
              expr: `sum by (split, arm) (rate(llm_split_errors_total[${RATE}])) / sum by (split, arm) (rate(llm_split_requests_total[${RATE}]))`,
              legend: '{{split}} {{arm}}',
            },
          ],
        },
        {
          title: 'Split Latency (p95) by Arm',
          description: 'End-to-end latency of each arm’s successful requests.',
          kind: 'timeseries',
          unit: 's',
          targets: [
            {
              expr: quantile(0.95, 'llm_split_latency_seconds', 'le, split, arm'),
              legend: '{{split}} {{arm}}',
            },
          ],
        },
        {
          title: 'Split Cost per Request by Arm',
          description: 'Mean cost of one request of each arm (model_config pricing).',
          kind: 'timeseries',
          unit: 'currencyUSD',
          targets: [
            {
              expr: `sum by (split, arm) (rate(llm_split_cost_total[${RATE}])) / sum by (split, arm) (rate(llm_split_requests_total[${RATE}]))`,
              legend: '{{split}} {{arm}}',
            },
          ],
        },
        {
          title: 'Split Mean Rating by Arm',
          description:
            'Mean feedback rating (0..1, POST /api/v1/feedback) of each arm over the window.',
          kind: 'timeseries',
          unit: 'percentunit',
          targets: [
            {
              expr: `sum by (split, arm) (increase(llm_split_rating_sum[1h])) / sum by (split, arm) (increase(llm_split_feedback_total[1h]))`,
              legend: '{{split}} {{arm}}',
            },
          ],
        },
        {
          title: 'Learned Success Rate by Model',
          description:
            'Each decision’s learned success rate per model (bandit posterior mean, from feedback).',
          kind: 'timeseries',
          unit: 'percentunit',
          targets: [
            {
              expr: 'max by (decision, model) (llm_selection_model_score{kind="success"})',
              legend: '{{decision}} {{model}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Process',
      panels: [
        {
          title: 'Resident Memory',
          description: 'Resident set size of each router process.',
          kind: 'timeseries',
          unit: 'bytes',
          targets: [{ expr: `process_resident_memory_bytes{${JOB}}`, legend: '{{instance}}' }],
        },
        {
          title: 'CPU',
          description: 'CPU cores used by each router process.',
          kind: 'timeseries',
          unit: 'short',
          targets: [
            { expr: `rate(process_cpu_seconds_total{${JOB}}[${RATE}])`, legend: '{{instance}}' },
          ],
        },
        {
          title: 'Event Loop Lag (p99)',
          description:
            'How late the Node event loop runs; high values mean the process is saturated.',
          kind: 'timeseries',
          unit: 's',
          targets: [{ expr: `nodejs_eventloop_lag_p99_seconds{${JOB}}`, legend: '{{instance}}' }],
        },
      ],
    },
  ],
}
