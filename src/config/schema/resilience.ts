/**
 * `resilience`: how the router keeps answering when endpoints fail (this project's section; see
 * docs/configuration.md). Timeouts live in `upstream`.
 */
import { z } from 'zod'

export const outlierDetectionSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Failures in a row (connect errors, 5xx, timeouts) that eject an endpoint. */
  consecutive_failures: z.number().int().positive().default(3),
  /** First ejection; each further ejection without a success in between doubles it. */
  base_ejection_ms: z.number().int().positive().default(5_000),
  max_ejection_ms: z.number().int().positive().default(120_000),
  /** At most this share of a model's endpoints is ejected at once (at least one may be). */
  max_ejected_percent: z.number().int().min(0).max(100).default(50),
})

export const healthChecksSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** `/health` (vLLM) or `/v1/models` (any OpenAI-compatible server). */
  path: z.string().startsWith('/').default('/health'),
  interval_ms: z.number().int().positive().default(5_000),
  timeout_ms: z.number().int().positive().default(2_000),
  /** Failed probes in a row that mark an endpoint unhealthy; one good probe brings it back. */
  unhealthy_threshold: z.number().int().positive().default(2),
})

export const retriesSchema = z.strictObject({
  /** Tries per request, the first included (1 = no retries). */
  max_tries: z.number().int().min(1).max(10).default(3),
  /** Retries may add at most this share of the requests of the last 10 s (beyond `min_retries`). */
  budget_percent: z.number().min(0).max(100).default(20),
  /** Retries always allowed per 10 s, so a quiet router still fails over. */
  min_retries: z.number().int().min(0).default(5),
  /** Jittered exponential backoff between tries: base, cap. */
  backoff_base_ms: z.number().int().min(0).default(25),
  backoff_max_ms: z.number().int().min(0).default(1_000),
  /** A `Retry-After` longer than this is not waited for (the next endpoint is tried at once). */
  max_retry_after_ms: z.number().int().min(0).default(2_000),
  /** After the model's endpoints: the decision's next candidate model. */
  fail_over_models: z.boolean().default(true),
})

/**
 * An endpoint that answers 429 or 503 with `Retry-After` is not picked again until then (a
 * cool-down, independent of outlier ejection), bounded by `max_ms`.
 */
export const coolDownSchema = z.strictObject({
  enabled: z.boolean().default(true),
  max_ms: z.number().int().min(0).max(3_600_000).default(300_000),
})

export const resilienceSchema = z.strictObject({
  outlier_detection: outlierDetectionSchema.prefault({}),
  cool_down: coolDownSchema.prefault({}),
  health_checks: healthChecksSchema.prefault({}),
  retries: retriesSchema.prefault({}),
})

export type ResilienceConfig = z.infer<typeof resilienceSchema>
export type OutlierDetectionConfig = z.infer<typeof outlierDetectionSchema>
export type CoolDownConfig = z.infer<typeof coolDownSchema>
export type RetriesConfig = z.infer<typeof retriesSchema>
export type HealthChecksConfig = z.infer<typeof healthChecksSchema>
