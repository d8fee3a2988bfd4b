/**
 * *(ours)* Learned model selection and A/B splits (issue 15): feedback received, the learned
 * scores per decision and model, and per-arm outcomes of traffic splits, so an A/B test or a
 * canary can be read off Grafana. Labels are config names (decisions, models, splits, arms), so
 * their number is bounded by the config; no request ids or text.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export class SelectionMetrics {
  readonly feedback: Counter<'decision' | 'kind'>
  readonly score: Gauge<'decision' | 'model' | 'kind'>
  readonly armRequests: Counter<'split' | 'arm'>
  readonly armErrors: Counter<'split' | 'arm'>
  readonly armLatency: Histogram<'split' | 'arm'>
  readonly armCost: Counter<'split' | 'arm' | 'currency'>
  readonly armFeedback: Counter<'split' | 'arm'>
  readonly armRating: Counter<'split' | 'arm'>

  constructor(registry: Registry) {
    const registers = [registry]
    this.feedback = new Counter({
      name: 'llm_selection_feedback_total',
      help: 'Feedback applied to learned model scores, by decision and kind (rating, preference)',
      labelNames: ['decision', 'kind'] as const,
      registers,
    })
    this.score = new Gauge({
      name: 'llm_selection_model_score',
      help: 'Learned score of a model in a decision: kind elo (rating) or success (posterior mean)',
      labelNames: ['decision', 'model', 'kind'] as const,
      registers,
    })
    this.armRequests = new Counter({
      name: 'llm_split_requests_total',
      help: 'Requests assigned to each arm of a traffic split',
      labelNames: ['split', 'arm'] as const,
      registers,
    })
    this.armErrors = new Counter({
      name: 'llm_split_errors_total',
      help: 'Requests of an arm that ended in an upstream error (status >= 500, or no answer)',
      labelNames: ['split', 'arm'] as const,
      registers,
    })
    this.armLatency = new Histogram({
      name: 'llm_split_latency_seconds',
      help: 'End-to-end latency of requests per split arm',
      labelNames: ['split', 'arm'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    })
    this.armCost = new Counter({
      name: 'llm_split_cost_total',
      help: 'Cost of the requests of each split arm (model_config pricing)',
      labelNames: ['split', 'arm', 'currency'] as const,
      registers,
    })
    this.armFeedback = new Counter({
      name: 'llm_split_feedback_total',
      help: 'Ratings received for requests of each split arm',
      labelNames: ['split', 'arm'] as const,
      registers,
    })
    this.armRating = new Counter({
      name: 'llm_split_rating_sum',
      help: 'Sum of the ratings (0..1) received for each split arm; divide by llm_split_feedback_total',
      labelNames: ['split', 'arm'] as const,
      registers,
    })
  }
}
