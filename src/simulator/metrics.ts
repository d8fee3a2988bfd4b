/**
 * vLLM-style Prometheus metrics for the simulator: `vllm:num_requests_running`,
 * `vllm:num_requests_waiting`, token counters and latency histograms labelled by `model_name`,
 * as vLLM's own /metrics names them, plus `simulator_*` counters for what was injected. Kept in a
 * small per-server store (not prom-client's global registry) so several simulators can run in one
 * process.
 */

type Labels = Record<string, string>

interface Family {
  readonly help: string
  readonly type: 'counter' | 'gauge' | 'histogram'
  readonly series: Map<string, { labels: Labels; value: number; buckets?: number[]; sum?: number }>
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

const FAMILIES: Record<string, { help: string; type: Family['type'] }> = {
  'vllm:num_requests_running': {
    help: 'Requests being generated right now (semantic-router simulator).',
    type: 'gauge',
  },
  'vllm:num_requests_waiting': {
    help: 'Requests waiting for a generation slot (semantic-router simulator).',
    type: 'gauge',
  },
  'vllm:kv_cache_usage_perc': {
    help: 'KV-cache usage, 0..1: running requests / generation slots (semantic-router simulator).',
    type: 'gauge',
  },
  'vllm:prompt_tokens_total': { help: 'Prompt tokens processed (simulated).', type: 'counter' },
  'vllm:generation_tokens_total': { help: 'Output tokens generated (simulated).', type: 'counter' },
  'vllm:request_success_total': {
    help: 'Requests finished, by finish reason (simulated).',
    type: 'counter',
  },
  'vllm:time_to_first_token_seconds': {
    help: 'Time to first token (simulated).',
    type: 'histogram',
  },
  'vllm:e2e_request_latency_seconds': {
    help: 'End-to-end request latency (simulated).',
    type: 'histogram',
  },
  simulator_requests_total: {
    help: 'Chat requests by outcome: ok, fault, aborted, rejected.',
    type: 'counter',
  },
  simulator_faults_injected_total: {
    help: 'Faults injected, by kind and by what asked for them (model, header, marker).',
    type: 'counter',
  },
}

export type MetricName = keyof typeof FAMILIES

function seriesKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',')
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

function formatLabels(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`)
  if (extra) pairs.push(`${extra[0]}="${extra[1]}"`)
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`
}

export class SimulatorMetrics {
  private readonly families = new Map<string, Family>()

  constructor(models: readonly string[]) {
    for (const [name, spec] of Object.entries(FAMILIES)) {
      this.families.set(name, { ...spec, series: new Map() })
    }
    // Gauges exist from the start so scrapers see 0 rather than nothing.
    for (const model of models) {
      this.set('vllm:num_requests_running', { model_name: model }, 0)
      this.set('vllm:num_requests_waiting', { model_name: model }, 0)
    }
  }

  private entry(name: MetricName, labels: Labels) {
    const family = this.families.get(name)!
    const key = seriesKey(labels)
    let series = family.series.get(key)
    if (!series) {
      series = { labels, value: 0 }
      if (family.type === 'histogram') {
        series.buckets = LATENCY_BUCKETS.map(() => 0)
        series.sum = 0
      }
      family.series.set(key, series)
    }
    return series
  }

  add(name: MetricName, labels: Labels, delta = 1): void {
    this.entry(name, labels).value += delta
  }

  set(name: MetricName, labels: Labels, value: number): void {
    this.entry(name, labels).value = value
  }

  get(name: MetricName, labels: Labels): number {
    return this.families.get(name)!.series.get(seriesKey(labels))?.value ?? 0
  }

  observe(name: MetricName, labels: Labels, seconds: number): void {
    const series = this.entry(name, labels)
    series.value += 1
    series.sum = (series.sum ?? 0) + seconds
    LATENCY_BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) series.buckets![i]! += 1
    })
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const lines: string[] = []
    for (const [name, family] of this.families) {
      lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`)
      for (const series of family.series.values()) {
        if (family.type !== 'histogram') {
          lines.push(`${name}${formatLabels(series.labels)} ${series.value}`)
          continue
        }
        LATENCY_BUCKETS.forEach((bound, i) => {
          const le: [string, string] = ['le', String(bound)]
          lines.push(`${name}_bucket${formatLabels(series.labels, le)} ${series.buckets![i]}`)
        })
        lines.push(`${name}_bucket${formatLabels(series.labels, ['le', '+Inf'])} ${series.value}`)
        lines.push(`${name}_sum${formatLabels(series.labels)} ${series.sum}`)
        lines.push(`${name}_count${formatLabels(series.labels)} ${series.value}`)
      }
    }
    return `${lines.join('\n')}\n`
  }
}
