/** Series names the router really exports, read from the RouterMetrics registry itself. */
import { RouterMetrics } from '../../src/metrics/router-metrics.js'

export async function exportedSeriesNames(): Promise<Set<string>> {
  const names = new Set<string>()
  for (const metric of await new RouterMetrics().registry.getMetricsAsJSON()) {
    // prom-client's typings say a numeric enum; at run time the type is the exposition string.
    if (String(metric.type) === 'histogram') {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`)
    } else {
      names.add(metric.name)
    }
  }
  return names
}

/** Every `llm_*` metric name a PromQL expression mentions (recording rules use `:` and differ). */
export function routerMetricsIn(expr: string): string[] {
  return [...new Set(expr.match(/\bllm_[a-z0-9_]+\b/g) ?? [])]
}
