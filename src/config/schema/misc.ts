/** tools, api, observability, and the vestigial `router` block read only by upstream's Rust code. */
import { z } from 'zod'
import { unitInterval } from './common.js'

export const toolsSchema = z.strictObject({
  enabled: z.boolean().default(false),
  top_k: z.number().int().default(3),
  similarity_threshold: unitInterval.optional(),
  tools_db_path: z.string().default(''),
  fallback_to_empty: z.boolean().default(true),
})

const batchSizeRange = z.strictObject({
  min: z.number().int(),
  max: z.number().int(),
  label: z.string(),
})

export const apiSchema = z.strictObject({
  batch_classification: z
    .strictObject({
      // Vestigial upstream keys, parsed only in Sep-2025; accepted so stock files load.
      max_batch_size: z.number().int().positive().optional(),
      concurrency_threshold: z.number().int().optional(),
      max_concurrency: z.number().int().optional(),
      metrics: z
        .strictObject({
          enabled: z.boolean().default(false),
          detailed_goroutine_tracking: z.boolean().default(false),
          high_resolution_timing: z.boolean().default(false),
          sample_rate: unitInterval.default(1),
          duration_buckets: z.array(z.number().positive()).optional(),
          size_buckets: z.array(z.number().positive()).optional(),
          batch_size_ranges: z.array(batchSizeRange).optional(),
        })
        .optional(),
    })
    .optional(),
})

export const observabilitySchema = z.strictObject({
  tracing: z
    .strictObject({
      enabled: z.boolean().default(false),
      provider: z.string().default('opentelemetry'),
      exporter: z
        .strictObject({
          type: z.enum(['otlp', 'stdout']).default('stdout'),
          endpoint: z.string().default(''),
          insecure: z.boolean().default(true),
        })
        .prefault({}),
      sampling: z
        .strictObject({
          type: z.string().default('always_on'),
          rate: unitInterval.default(1),
        })
        .prefault({}),
      resource: z
        .strictObject({
          service_name: z.string().default('vllm-semantic-router'),
          service_version: z.string().default(''),
          deployment_environment: z.string().default(''),
        })
        .prefault({}),
    })
    .optional(),
})

/** Read by upstream's Rust library only; accepted as-is and not interpreted. */
export const rustRouterBlockSchema = z.record(z.string(), z.unknown())
