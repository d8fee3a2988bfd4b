/**
 * Every Prometheus metric the router exports, defined in one place on an injectable registry.
 *
 * Names and labels follow upstream (vLLM Semantic Router, `pkg/observability/metrics`) so existing
 * dashboards and alerts keep working; metrics this project adds are marked "ours". Empty label values
 * are normalised as upstream does: `unknown` for model/category/reason, `none` for param,
 * `unspecified` for effort. `docs/metrics.md` documents each one; a test keeps the two in sync.
 */
import { Gauge, Registry, collectDefaultMetrics, type Counter, type Histogram } from 'prom-client'
import { FastCounter, FastGauge, FastHistogram } from './fast-metrics.js'
import { BatchClassificationMetrics } from './batch-classification-metrics.js'
import { DecisionMetrics } from './decision-metrics.js'
import { EndpointMetrics } from './endpoint-metrics.js'
import { SelectionMetrics } from './selection-metrics.js'

const GO_DEF_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
/**
 * Upstream uses Go's default buckets (max 10 s) for completion latency, so every completion slower
 * than 10 s lands in +Inf and histogram_quantile can never report more than 10 s: a p99 SLO above
 * that could not fire. We keep upstream's boundaries (queries work unchanged) and extend them.
 */
const COMPLETION_BUCKETS = [...GO_DEF_BUCKETS, 15, 30, 60, 120, 300]
const TOKEN_BUCKETS = [0, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384]
const FAST_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
]
const CACHE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const ENTROPY_BUCKETS = [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4]
const CONFIDENCE_BUCKETS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]
export const UNKNOWN = 'unknown'

/** Longest label value kept; a longer one is reported as the fallback (`unknown`). */
export const MAX_LABEL_LENGTH = 128

/**
 * Upstream's label normalisation for free-form values, length-capped: a label value is never
 * longer than MAX_LABEL_LENGTH (a client's 1 MB model name must not become a series).
 */
export function label(value: string | undefined | null, fallback = UNKNOWN): string {
  return value === undefined || value === null || value === '' || value.length > MAX_LABEL_LENGTH
    ? fallback
    : value
}

/** Upstream's error-reason normalisation (`deadline_exceeded` → `timeout`, ...). */
export function normaliseErrorReason(reason: string): string {
  if (reason === 'deadline_exceeded') return 'timeout'
  if (/^upstream_5\d\d$/.test(reason) || reason === 'upstream_50x') return 'upstream_5xx'
  if (/^upstream_4\d\d$/.test(reason) || reason === 'upstream_40x') return 'upstream_4xx'
  return label(reason)
}

export interface RouterMetricsOptions {
  registry?: Registry
  /** Also export Node process metrics (process_*, nodejs_*). */
  processMetrics?: boolean
}

export class RouterMetrics {
  readonly registry: Registry

  // Requests, errors, routing
  readonly modelRequests: Counter<'model'>
  readonly requestErrors: Counter<'model' | 'reason'>
  readonly routingModifications: Counter<'source_model' | 'target_model'>
  readonly routingReasonCodes: Counter<'reason_code' | 'model'>
  readonly routingLatency: Histogram
  // Usage, latency, cost
  readonly modelCost: Counter<'model' | 'currency'>
  readonly modelTokens: Counter<'model'>
  readonly modelPromptTokens: Counter<'model'>
  readonly modelCompletionTokens: Counter<'model'>
  readonly promptTokensPerRequest: Histogram<'model'>
  readonly completionTokensPerRequest: Histogram<'model'>
  readonly completionLatency: Histogram<'model'>
  readonly ttft: Histogram<'model'>
  readonly tpot: Histogram<'model'>
  // Classification
  readonly classifierLatency: Histogram<'classifier'>
  readonly categoryClassifications: Counter<'category'>
  readonly piiViolations: Counter<'model' | 'pii_type'>
  readonly entropyDecisions: Counter<
    'uncertainty_level' | 'reasoning_enabled' | 'decision_reason' | 'top_category'
  >
  readonly entropyValues: Histogram<'category' | 'classification_type'>
  readonly classificationConfidence: Histogram<'category' | 'classification_method'>
  readonly entropyLatency: Histogram
  readonly probabilityQuality: Counter<'quality_check' | 'status'>
  readonly entropyFallback: Counter<'fallback_reason' | 'fallback_strategy'>
  // Reasoning
  readonly reasoningDecisions: Counter<'category' | 'model' | 'enabled' | 'effort'>
  readonly reasoningTemplateUsage: Counter<'family' | 'param'>
  readonly reasoningEffortUsage: Counter<'family' | 'effort'>
  // Semantic cache
  readonly cacheHits: Counter
  readonly cacheMisses: Counter
  readonly cacheOperationDuration: Histogram<'backend' | 'operation'>
  readonly cacheOperations: Counter<'backend' | 'operation' | 'status'>
  readonly cacheEntries: Gauge<'backend'>
  readonly cacheHitRatio: Gauge
  readonly cacheVerificationRejections: Counter<'reason'>
  readonly cacheEvictions: Counter<'backend' | 'reason'>
  readonly cacheBypasses: Counter<'backend' | 'reason'>
  readonly cacheBackendUp: Gauge<'backend'>
  readonly cacheCoalesced: Counter<'result'>
  // Ours
  readonly configReloads: Counter<'result'>
  readonly configLastReloadSuccess: Gauge
  readonly inflightRequests: Gauge<'transport'>
  /** Read at scrape time from the in-flight body budget (watchRequestBytes). */
  readonly inflightRequestBytes: Gauge
  private requestBytes: () => number = () => 0
  readonly classifierErrors: Counter<'classifier' | 'policy'>
  readonly modelFallbacks: Counter<'role' | 'reason'>
  readonly categoryCost: Counter<'category' | 'currency'>
  /** Batch classification API (upstream's names; recorded by src/api/batch-metrics.ts). */
  readonly batch: BatchClassificationMetrics
  /** Decisions and signals (ours; src/metrics/decision-metrics.ts). */
  readonly decisions: DecisionMetrics
  /** (ours) Per-endpoint load, latency, health, retries and failovers. */
  readonly endpoints: EndpointMetrics
  readonly selection: SelectionMetrics

  constructor(options: RouterMetricsOptions = {}) {
    const registry = options.registry ?? new Registry()
    this.registry = registry
    const registers = [registry]
    this.batch = new BatchClassificationMetrics(registry)
    this.decisions = new DecisionMetrics(registry)
    this.endpoints = new EndpointMetrics(registry)
    this.selection = new SelectionMetrics(registry)
    if (options.processMetrics) collectDefaultMetrics({ register: registry })

    this.modelRequests = new FastCounter({
      name: 'llm_model_requests_total',
      help: 'Requests received, by the model named in the request body',
      labelNames: ['model'] as const,
      registers,
    })
    this.requestErrors = new FastCounter({
      name: 'llm_request_errors_total',
      help: 'Requests that ended in an error or a block, by reason',
      labelNames: ['model', 'reason'] as const,
      registers,
    })
    this.routingModifications = new FastCounter({
      name: 'llm_model_routing_modifications_total',
      help: 'Auto-routed requests whose model was changed, by source and target model',
      labelNames: ['source_model', 'target_model'] as const,
      registers,
    })
    this.routingReasonCodes = new FastCounter({
      name: 'llm_routing_reason_codes_total',
      help: 'Routing decisions by reason code',
      labelNames: ['reason_code', 'model'] as const,
      registers,
    })
    this.routingLatency = new FastHistogram({
      name: 'llm_model_routing_latency_seconds',
      help: 'Time spent deciding the route for a request',
      buckets: FAST_BUCKETS,
      registers,
    })
    this.modelCost = new FastCounter({
      name: 'llm_model_cost_total',
      help: 'Cost of completions computed from model_config pricing',
      labelNames: ['model', 'currency'] as const,
      registers,
    })
    this.modelTokens = new FastCounter({
      name: 'llm_model_tokens_total',
      help: 'Prompt plus completion tokens by model',
      labelNames: ['model'] as const,
      registers,
    })
    this.modelPromptTokens = new FastCounter({
      name: 'llm_model_prompt_tokens_total',
      help: 'Prompt tokens by model',
      labelNames: ['model'] as const,
      registers,
    })
    this.modelCompletionTokens = new FastCounter({
      name: 'llm_model_completion_tokens_total',
      help: 'Completion tokens by model',
      labelNames: ['model'] as const,
      registers,
    })
    this.promptTokensPerRequest = new FastHistogram({
      name: 'llm_prompt_tokens_per_request',
      help: 'Prompt tokens per request',
      labelNames: ['model'] as const,
      buckets: TOKEN_BUCKETS,
      registers,
    })
    this.completionTokensPerRequest = new FastHistogram({
      name: 'llm_completion_tokens_per_request',
      help: 'Completion tokens per request',
      labelNames: ['model'] as const,
      buckets: TOKEN_BUCKETS,
      registers,
    })
    this.completionLatency = new FastHistogram({
      name: 'llm_model_completion_latency_seconds',
      help: 'Time from request to the end of the completion',
      labelNames: ['model'] as const,
      buckets: COMPLETION_BUCKETS,
      registers,
    })
    this.ttft = new FastHistogram({
      name: 'llm_model_ttft_seconds',
      help: 'Time to first token',
      labelNames: ['model'] as const,
      buckets: GO_DEF_BUCKETS,
      registers,
    })
    this.tpot = new FastHistogram({
      name: 'llm_model_tpot_seconds',
      help: 'Time per output token',
      labelNames: ['model'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    })
    this.classifierLatency = new FastHistogram({
      name: 'llm_classifier_latency_seconds',
      help: 'Classifier latency by classifier',
      labelNames: ['classifier'] as const,
      buckets: FAST_BUCKETS,
      registers,
    })
    this.categoryClassifications = new FastCounter({
      name: 'llm_category_classifications_count',
      help: 'Requests classified into each category',
      labelNames: ['category'] as const,
      registers,
    })
    this.piiViolations = new FastCounter({
      name: 'llm_pii_violations_total',
      help: 'PII policy violations by model and PII type',
      labelNames: ['model', 'pii_type'] as const,
      registers,
    })
    this.entropyDecisions = new FastCounter({
      name: 'llm_entropy_classification_decisions_total',
      help: 'Entropy-based reasoning decisions',
      labelNames: [
        'uncertainty_level',
        'reasoning_enabled',
        'decision_reason',
        'top_category',
      ] as const,
      registers,
    })
    this.entropyValues = new FastHistogram({
      name: 'llm_entropy_values',
      help: 'Shannon entropy of the category probability distribution',
      labelNames: ['category', 'classification_type'] as const,
      buckets: ENTROPY_BUCKETS,
      registers,
    })
    this.classificationConfidence = new FastHistogram({
      name: 'llm_classification_confidence',
      help: 'Confidence of the chosen category',
      labelNames: ['category', 'classification_method'] as const,
      buckets: CONFIDENCE_BUCKETS,
      registers,
    })
    this.entropyLatency = new FastHistogram({
      name: 'llm_entropy_classification_latency_seconds',
      help: 'Time spent in the entropy-based reasoning decision',
      buckets: FAST_BUCKETS,
      registers,
    })
    this.probabilityQuality = new FastCounter({
      name: 'llm_probability_distribution_quality_total',
      help: 'Sanity checks on classifier probability distributions',
      labelNames: ['quality_check', 'status'] as const,
      registers,
    })
    this.entropyFallback = new FastCounter({
      name: 'llm_entropy_fallback_usage_total',
      help: 'Entropy decisions that fell back to a default strategy',
      labelNames: ['fallback_reason', 'fallback_strategy'] as const,
      registers,
    })
    this.reasoningDecisions = new FastCounter({
      name: 'llm_reasoning_decisions_total',
      help: 'Reasoning on/off decisions for auto-routed requests',
      labelNames: ['category', 'model', 'enabled', 'effort'] as const,
      registers,
    })
    this.reasoningTemplateUsage = new FastCounter({
      name: 'llm_reasoning_template_usage_total',
      help: 'Reasoning template fields applied, by family and parameter',
      labelNames: ['family', 'param'] as const,
      registers,
    })
    this.reasoningEffortUsage = new FastCounter({
      name: 'llm_reasoning_effort_usage_total',
      help: 'Reasoning effort levels applied, by family',
      labelNames: ['family', 'effort'] as const,
      registers,
    })
    this.cacheHits = new FastCounter({
      name: 'llm_cache_hits_total',
      help: 'Semantic cache hits',
      registers,
    })
    this.cacheMisses = new FastCounter({
      name: 'llm_cache_misses_total',
      help: 'Semantic cache misses',
      registers,
    })
    this.cacheOperationDuration = new FastHistogram({
      name: 'llm_cache_operation_duration_seconds',
      help: 'Semantic cache operation latency',
      labelNames: ['backend', 'operation'] as const,
      buckets: CACHE_BUCKETS,
      registers,
    })
    this.cacheOperations = new FastCounter({
      name: 'llm_cache_operations_total',
      help: 'Semantic cache operations by status',
      labelNames: ['backend', 'operation', 'status'] as const,
      registers,
    })
    this.cacheEntries = new Gauge({
      name: 'llm_cache_entries_total',
      help: 'Entries currently in the semantic cache',
      labelNames: ['backend'] as const,
      registers,
    })
    this.cacheHitRatio = new Gauge({
      name: 'llm_cache_hit_ratio',
      help: 'Semantic cache hits / (hits + misses) since start (ours)',
      registers,
    })
    this.cacheVerificationRejections = new FastCounter({
      name: 'llm_cache_verification_rejections_total',
      help: 'Vector matches rejected by the false-hit guard, by reason (ours)',
      labelNames: ['reason'] as const,
      registers,
    })
    this.cacheEvictions = new FastCounter({
      name: 'llm_cache_evictions_total',
      help: 'Entries removed from the semantic cache, by reason: capacity | ttl | flush (ours)',
      labelNames: ['backend', 'reason'] as const,
      registers,
    })
    this.cacheBypasses = new FastCounter({
      name: 'llm_cache_bypass_total',
      help: 'Requests that skipped the cache because the backend failed, was slow or is unavailable (ours)',
      labelNames: ['backend', 'reason'] as const,
      registers,
    })
    this.cacheBackendUp = new Gauge({
      name: 'llm_cache_backend_up',
      help: 'Whether the semantic cache backend is usable (1) or bypassed (0) (ours)',
      labelNames: ['backend'] as const,
      registers,
    })
    this.cacheCoalesced = new FastCounter({
      name: 'llm_cache_coalesced_requests_total',
      help: 'Identical concurrent misses that waited for the first answer, by result: hit | no_answer | timeout (ours)',
      labelNames: ['result'] as const,
      registers,
    })
    this.configReloads = new FastCounter({
      name: 'llm_config_reloads_total',
      help: 'Config reload attempts by result (success | failure) (ours)',
      labelNames: ['result'] as const,
      registers,
    })
    this.categoryCost = new FastCounter({
      name: 'llm_category_cost_total',
      help: 'Cost of completions attributed to the prompt category of the request (ours)',
      labelNames: ['category', 'currency'] as const,
      registers,
    })
    // Both series exist from the start: increase() cannot see a counter's first increment when
    // the series is born at 1, and the reload-failure alert needs to see exactly that one.
    this.configReloads.inc({ result: 'success' }, 0)
    this.configReloads.inc({ result: 'failure' }, 0)
    this.configLastReloadSuccess = new Gauge({
      name: 'llm_config_last_reload_success_timestamp_seconds',
      help: 'Unix time of the last successful config load (ours)',
      registers,
    })
    this.inflightRequests = new FastGauge({
      name: 'llm_router_inflight_requests',
      help: 'Requests being processed, by transport (ours)',
      labelNames: ['transport'] as const,
      registers,
    })
    const requestBytes = () => this.requestBytes()
    this.inflightRequestBytes = new Gauge({
      name: 'llm_router_inflight_request_bytes',
      help: 'Request body bytes held by requests in flight, both transports (ours)',
      registers,
      collect() {
        this.set(requestBytes())
      },
    })
    this.classifierErrors = new FastCounter({
      name: 'llm_classifier_errors_total',
      help: 'Classifier failures by classifier and the on_error policy applied (ours)',
      labelNames: ['classifier', 'policy'] as const,
      registers,
    })
    this.modelFallbacks = new FastCounter({
      name: 'llm_model_fallback_total',
      help: 'Configured models replaced by the embedded default because they could not be used, by role and error code (ours)',
      labelNames: ['role', 'reason'] as const,
      registers,
    })
  }

  /** Where llm_router_inflight_request_bytes reads from (the process's BodyBudget). */
  watchRequestBytes(source: () => number): void {
    this.requestBytes = source
  }

  /** Count an error with upstream's reason normalisation. */
  recordError(model: string | undefined, reason: string): void {
    this.requestErrors.inc({ model: this.modelLabel(model), reason: normaliseErrorReason(reason) })
  }

  private modelNames: ReadonlySet<string> | undefined

  /**
   * The model names the config knows (models, LoRA adapters, the auto names): the only values a
   * `model` label takes; any other name a client sends is counted as `unknown`, so clients cannot
   * grow /metrics. Set by each runtime the app builds (the latest config wins).
   */
  knowModels(names: Iterable<string>): void {
    this.modelNames = new Set(names)
  }

  /** A model name as a label value: a known model, else `unknown` (length-capped either way). */
  modelLabel(name: string | undefined | null): string {
    const value = label(name)
    return this.modelNames === undefined || this.modelNames.has(value) ? value : UNKNOWN
  }
}
