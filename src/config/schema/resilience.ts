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

export const resilienceSchema = z.strictObject({
  outlier_detection: outlierDetectionSchema.prefault({}),
})

export type ResilienceConfig = z.infer<typeof resilienceSchema>
export type OutlierDetectionConfig = z.infer<typeof outlierDetectionSchema>
