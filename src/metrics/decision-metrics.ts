/**
 * *(ours)* Decision and signal metrics (issue 15): which decision each routed request got, how long
 * its signals took, and which failed. Labels are config names (recipes, decisions, signal types),
 * so their number is bounded by the config; no prompt text or ids.
 */
import type { Counter, Histogram, Registry } from 'prom-client'
import { FastCounter, FastHistogram } from './fast-metrics.js'

const FAST_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
]

export class DecisionMetrics {
  readonly selections: Counter<'recipe' | 'decision' | 'algorithm'>
  readonly evaluationLatency: Histogram<'recipe'>
  readonly signalLatency: Histogram<'signal'>
  readonly signalErrors: Counter<'signal'>

  constructor(registry: Registry) {
    const registers = [registry]
    this.selections = new FastCounter({
      name: 'llm_decision_selections_total',
      help: 'Routed requests by recipe, winning decision (none: no decision matched) and selection algorithm',
      labelNames: ['recipe', 'decision', 'algorithm'] as const,
      registers,
    })
    this.evaluationLatency = new FastHistogram({
      name: 'llm_decision_evaluation_latency_seconds',
      help: 'Time to evaluate the signals a request needed and choose its decision',
      labelNames: ['recipe'] as const,
      buckets: FAST_BUCKETS,
      registers,
    })
    this.signalLatency = new FastHistogram({
      name: 'llm_signal_evaluation_latency_seconds',
      help: 'Time to evaluate one signal type for one request',
      labelNames: ['signal'] as const,
      buckets: FAST_BUCKETS,
      registers,
    })
    this.signalErrors = new FastCounter({
      name: 'llm_signal_errors_total',
      help: 'Signal evaluations that failed (counted as no match)',
      labelNames: ['signal'] as const,
      registers,
    })
  }
}
