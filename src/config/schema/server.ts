/**
 * Settings this project adds (upstream takes these as command-line flags or does not have them).
 * Upstream ignores unknown top-level keys, so a file using them still loads there.
 */
import { z } from 'zod'
import { listenPort, onErrorPolicy } from './common.js'

const MiB = 1024 * 1024

export const serverSchema = z.strictObject({
  /** Bind address for every listener. Loopback by default; containers set 0.0.0.0. */
  host: z.string().default('127.0.0.1'),
  gateway_port: listenPort.default(8801),
  extproc_port: listenPort.default(50051),
  api_port: listenPort.default(8080),
  metrics_port: listenPort.default(9190),
  enable_gateway: z.boolean().default(true),
  enable_extproc: z.boolean().default(true),
  enable_api: z.boolean().default(true),
  enable_metrics: z.boolean().default(true),
  /** Largest request body accepted (gateway 413, ext_proc immediate 413). */
  max_body_bytes: z
    .number()
    .int()
    .positive()
    .default(10 * MiB),
  /**
   * Request body bytes all requests in flight may hold together (both transports); a request
   * that would pass it gets 503 server_overloaded with Retry-After (a request alone is always
   * admitted). 0 = no limit.
   */
  max_inflight_body_bytes: z
    .number()
    .int()
    .min(0)
    .default(24 * MiB),
  /**
   * Longest time the router spends deciding a request (classification, guards, cache lookup), on
   * both transports: gateway 504, ext_proc per `extproc.failure_mode`.
   */
  processing_timeout_ms: z.number().int().positive().default(5_000),
  /** Graceful shutdown: how long open requests and streams may take to finish. */
  shutdown_grace_ms: z.number().int().min(0).default(10_000),
})

export const upstreamSchema = z.strictObject({
  connect_timeout_ms: z.number().int().positive().default(3_000),
  /** Time to the response headers; for streams this bounds time to first byte. */
  headers_timeout_ms: z.number().int().positive().default(60_000),
  /** Longest silence between body chunks (stream idle). */
  body_timeout_ms: z.number().int().positive().default(60_000),
  /** Longest a whole try may take, headers and body. */
  total_timeout_ms: z.number().int().positive().default(600_000),
  /** Longest a request waits for a free connection to a saturated endpoint before trying another. */
  queue_timeout_ms: z.number().int().positive().default(2_000),
  keep_alive_timeout_ms: z.number().int().positive().default(60_000),
  connections_per_endpoint: z.number().int().positive().default(128),
  /**
   * Ask the endpoint for usage on streamed requests (`stream_options.include_usage`) so streams
   * are counted in tokens and cost; the extra usage chunk is taken out again unless the client
   * asked for it. Both transports. Off for an endpoint that rejects `stream_options`.
   */
  stream_usage: z.boolean().default(true),
  /** Largest non-streaming upstream response kept in memory for usage and caching. */
  max_response_bytes: z
    .number()
    .int()
    .positive()
    .default(32 * MiB),
})

/** Envoy's `retry_on` conditions (router filter, x-envoy-retry-on). */
export const ENVOY_RETRY_ON = [
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'envoy-ratelimited',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'http3-post-connect-failure',
] as const

/**
 * Ours: ask Envoy to retry through request headers (`x-envoy-retry-on`, `x-envoy-max-retries`,
 * `x-envoy-retriable-status-codes`, `x-envoy-upstream-rq-per-try-timeout-ms`) where a route cannot
 * carry a retry policy. Envoy applies x-envoy-* mutations only with the ext_proc filter's
 * `mutation_rules: {allow_envoy: true}`.
 */
export const envoyRetrySchema = z.strictObject({
  enabled: z.boolean().default(true),
  retry_on: z
    .string()
    .default('5xx,reset,connect-failure,retriable-status-codes')
    .refine(
      (v) => v.split(',').every((c) => (ENVOY_RETRY_ON as readonly string[]).includes(c.trim())),
      { message: `must be a comma-separated list of: ${ENVOY_RETRY_ON.join(', ')}` },
    ),
  num_retries: z.number().int().min(1).max(10).default(2),
  retriable_status_codes: z.array(z.number().int().min(100).max(599)).default([429]),
  /** Envoy's per-try timeout (x-envoy-upstream-rq-per-try-timeout-ms); omitted: the route's. */
  per_try_timeout_ms: z.number().int().positive().optional(),
})

export const extprocSchema = z.strictObject({
  /** Header carrying `ip:port` for an ORIGINAL_DST cluster. Upstream's name changed three times. */
  destination_header: z.string().default('x-vsr-destination-endpoint'),
  /** Also emit the Gateway API Inference Extension form (header + envoy.lb dynamic metadata). */
  inference_extension: z.boolean().default(false),
  /** What a processing failure does: continue unmodified (open) or answer with an error (closed). */
  failure_mode: z.enum(['open', 'closed']).default('open'),
  /** Retries requested from Envoy per request (off unless set). */
  envoy_retry: envoyRetrySchema.optional(),
  /**
   * Older name of `server.processing_timeout_ms` (it bounded ext_proc only); when both are set the
   * smaller applies, to both transports.
   */
  message_timeout_ms: z.number().int().positive().optional(),
  tls: z
    .strictObject({
      enabled: z.boolean().default(false),
      cert_path: z.string().default(''),
    })
    .prefault({}),
})

/** One entry of the ordered classifier chain. */
export const classifierChainEntrySchema = z.strictObject({
  kind: z.string().min(1),
  enabled: z.boolean().default(true),
  on_error: onErrorPolicy.default('allow'),
  options: z.record(z.string(), z.unknown()).default({}),
})

/** One guard detector of a list (`pipeline.jailbreak_detectors`, `pipeline.pii_detectors`). */
export const detectorEntrySchema = z.strictObject({
  kind: z.string().min(1),
  enabled: z.boolean().default(true),
  /** The detector's own options, validated at load by its schema. */
  options: z.record(z.string(), z.unknown()).default({}),
})

/** One pipeline module (feature gate + order). */
export const pipelineModuleEntrySchema = z.strictObject({
  name: z.string().min(1),
  enabled: z.boolean().default(true),
  /** Module options, validated at load by the module's own schema. */
  options: z.record(z.string(), z.unknown()).default({}),
})

/** A plug-in chosen by kind, with its own options (validated at load by the plug-in's schema). */
const pluginChoice = (kind: string) =>
  z
    .strictObject({
      kind: z.string().min(1).default(kind),
      options: z.record(z.string(), z.unknown()).default({}),
    })
    .prefault({})

export const pipelineSchema = z.strictObject({
  /**
   * Ordered classifier chain. Default: keyword rules, then embedding rules, then the category model
   * (upstream's fixed order). The first confident answer wins.
   */
  classifiers: z.array(classifierChainEntrySchema).optional(),
  /** Ordered request modules; omitted modules keep their default position and state. */
  modules: z.array(pipelineModuleEntrySchema).optional(),
  /** Classify multi-turn history as well as the last user message. */
  classify_history: z.boolean().default(false),
  /** Only the most recent N user turns are classified when classify_history is on. */
  history_turns: z.number().int().positive().default(3),
  /**
   * Whether caller identity headers (x-authz-user-id / -groups, for v0.3 role_bindings) are
   * believed: on ext_proc Envoy's ext_authz sets them and removes the client's copies; the gateway
   * believes them only when it sits behind a proxy that does the same.
   */
  identity_headers: z
    .strictObject({
      gateway: z.boolean().default(false),
      extproc: z.boolean().default(true),
      /**
       * Forward them (and the tenant header) to the endpoint where they are believed and the
       * router did not authenticate the caller itself; default: removed from what is forwarded.
       */
      forward: z.boolean().default(false),
    })
    .prefault({}),
  /** Which model answers (src/routing/selection). */
  model_selector: pluginChoice('static'),
  /** Which endpoint of that model gets the request. */
  endpoint_policy: pluginChoice('power_of_two_choices'),
  /**
   * Jailbreak detectors, combined in order. Default: the embedded rules, then the
   * prompt_guard.model_id model when one is configured.
   */
  jailbreak_detectors: z.array(detectorEntrySchema).optional(),
  /**
   * PII detectors, combined in order. Default: the embedded validators, then the
   * classifier.pii_model.model_id model when one is configured.
   */
  pii_detectors: z.array(detectorEntrySchema).optional(),
})
