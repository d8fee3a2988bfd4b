/** vllm_endpoints and model_config. */
import { isIP } from 'node:net'
import { z } from 'zod'
import { port } from './common.js'

/**
 * Upstream accepts only literal IPs; we also accept DNS host names (Kubernetes service names are the
 * common case). Schemes, paths and embedded ports are still rejected because `port` is separate.
 */
const HOSTNAME =
  /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/

export function isValidEndpointAddress(address: string): boolean {
  if (isIP(address) !== 0) return true
  return HOSTNAME.test(address)
}

export const vllmEndpointSchema = z.strictObject({
  name: z.string().min(1),
  address: z.string().refine(isValidEndpointAddress, {
    message:
      'must be an IP address or a host name, without scheme, path or port (use the port field)',
  }),
  port,
  weight: z.number().int().min(0).default(1),
  /**
   * Ours: priority level (0 = primary; lower is preferred), as Envoy's priority levels. A model's
   * traffic goes to its lowest level that has an available endpoint; weights share within a level.
   */
  priority: z.number().int().min(0).max(127).default(0),
  /** Ours: http or https towards this endpoint (upstream is always plain HTTP behind Envoy). */
  protocol: z.enum(['http', 'https']).default('http'),
  /** Ours: API key sent as `Authorization: Bearer` by the standalone gateway. */
  api_key_env: z.string().optional(),
  /** Upstream fields removed in Oct 2025; still accepted so older files load. */
  models: z.array(z.string()).optional(),
  health_check_path: z.string().optional(),
})

export const piiTypeNames = [
  'AGE',
  'CREDIT_CARD',
  'DATE_TIME',
  'DOMAIN_NAME',
  'EMAIL_ADDRESS',
  'GPE',
  'IBAN_CODE',
  'IP_ADDRESS',
  'NO_PII',
  'NRP',
  'ORGANIZATION',
  'PERSON',
  'PHONE_NUMBER',
  'STREET_ADDRESS',
  'US_DRIVER_LICENSE',
  'US_SSN',
  'ZIP_CODE',
] as const

export const modelParamsSchema = z.strictObject({
  pii_policy: z
    .strictObject({
      allow_by_default: z.boolean().default(true),
      pii_types_allowed: z.array(z.string()).default([]),
    })
    .prefault({}),
  preferred_endpoints: z.array(z.string()).default([]),
  /** This model's own endpoint policy (default: `pipeline.endpoint_policy`). */
  endpoint_policy: z
    .strictObject({
      kind: z.string().min(1),
      options: z.record(z.string(), z.unknown()).default({}),
    })
    .optional(),
  /** This model's own upstream timeouts (default: the `upstream` section's). */
  timeouts: z
    .strictObject({
      headers_timeout_ms: z.number().int().positive().optional(),
      body_timeout_ms: z.number().int().positive().optional(),
      total_timeout_ms: z.number().int().positive().optional(),
    })
    .optional(),
  pricing: z
    .strictObject({
      currency: z.string().default('USD'),
      prompt_per_1m: z.number().min(0).default(0),
      completion_per_1m: z.number().min(0).default(0),
    })
    .optional(),
  reasoning_family: z.string().default(''),
  loras: z
    .array(z.strictObject({ name: z.string().min(1), description: z.string().default('') }))
    .default([]),
})
