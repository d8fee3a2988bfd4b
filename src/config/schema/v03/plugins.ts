/**
 * `decisions[].plugins[]`: `{type, configuration}`, one per type per decision (aliases count as
 * the same type). Types this router runs have strict configuration schemas; the others are
 * accepted as mappings and reported by the loader as not supported.
 */
import { z } from 'zod'
import { nonNegativeInt, unitInterval } from '../common.js'

export const systemPromptPluginSchema = z.strictObject({
  /** Default: on when the prompt is not empty. */
  enabled: z.boolean().optional(),
  system_prompt: z.string().default(''),
  /** Upstream's code defaults to insert (its docs also mention append, read here as insert). */
  mode: z.enum(['insert', 'replace', 'append']).default('insert'),
})

export const responseCachePluginSchema = z.strictObject({
  enabled: z.boolean().default(true),
  mode: z.enum(['semantic', 'exact', 'exact_then_semantic']).default('semantic'),
  scope: z.string().optional(),
  semantic: z.strictObject({ similarity_threshold: unitInterval.optional() }).optional(),
  ttl_seconds: nonNegativeInt.optional(),
  request_controls: z
    .strictObject({
      enabled: z.boolean().default(false),
      header: z.string().optional(),
      allowed: z.array(z.string()).default([]),
      max_ttl_seconds: nonNegativeInt.optional(),
    })
    .optional(),
  personalized: z.strictObject({ mode: z.enum(['disabled', 'exact']) }).optional(),
  revision: z
    .strictObject({
      cache_epoch: z.string().optional(),
      model_revision: z.string().optional(),
      prompt_revision: z.string().optional(),
      policy_revision: z.string().optional(),
    })
    .optional(),
  /** The classic per-category flat field, accepted for migrated files. */
  similarity_threshold: unitInterval.optional(),
})

const headerName = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'a header name')
const headerPair = z.strictObject({ name: headerName, value: z.string() })

export const headerMutationPluginSchema = z.strictObject({
  add: z.array(headerPair).default([]),
  update: z.array(headerPair).default([]),
  delete: z.array(headerName).default([]),
})

export const requestParamsPluginSchema = z.strictObject({
  blocked_params: z.array(z.string().min(1)).default([]),
  max_tokens_limit: z.number().int().positive().optional(),
  max_n: z.number().int().positive().optional(),
  strip_unknown: z.boolean().default(false),
})

export const fastResponsePluginSchema = z.strictObject({
  message: z.string(),
})

/** Plugin types we run → configuration schema. */
export const SUPPORTED_PLUGINS = {
  system_prompt: systemPromptPluginSchema,
  response_cache: responseCachePluginSchema,
  header_mutation: headerMutationPluginSchema,
  request_params: requestParamsPluginSchema,
  fast_response: fastResponsePluginSchema,
} as const

export type SupportedPluginType = keyof typeof SUPPORTED_PLUGINS

/** Upstream's other plugin types (accepted, not run). */
export const UNSUPPORTED_PLUGINS: ReadonlySet<string> = new Set([
  'tools',
  'tool_selection',
  'context_compression',
  'hallucination',
  'response_jailbreak',
  'router_replay',
  'memory',
  'rag',
  'image_gen',
])

/** Old and alternative spellings → the type upstream normalises them to. */
export const PLUGIN_ALIASES: Readonly<Record<string, string>> = {
  'semantic-cache': 'response_cache',
  semantic_cache: 'response_cache',
  'response-cache': 'response_cache',
}

export const pluginEntrySchema = z
  .strictObject({
    type: z.string().min(1),
    configuration: z.record(z.string(), z.unknown()),
  })
  .transform((raw, ctx) => {
    const type = PLUGIN_ALIASES[raw.type] ?? raw.type
    const schema = (SUPPORTED_PLUGINS as Record<string, z.ZodType | undefined>)[type]
    if (schema === undefined) {
      if (!UNSUPPORTED_PLUGINS.has(type))
        ctx.addIssue({
          code: 'custom',
          path: ['type'],
          message: `unknown plugin type "${raw.type}" (known: ${[...Object.keys(SUPPORTED_PLUGINS), ...UNSUPPORTED_PLUGINS].join(', ')})`,
        })
      return { type, supported: false as const, configuration: raw.configuration }
    }
    const parsed = schema.safeParse(raw.configuration)
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        ctx.addIssue({ ...issue, path: ['configuration', ...issue.path] })
      return z.NEVER
    }
    return {
      type,
      supported: true as const,
      configuration: parsed.data as Record<string, unknown>,
    }
  })

export type PluginEntryConfig = z.output<typeof pluginEntrySchema>
export type SystemPromptPluginConfig = z.output<typeof systemPromptPluginSchema>
export type ResponseCachePluginConfig = z.output<typeof responseCachePluginSchema>
export type HeaderMutationPluginConfig = z.output<typeof headerMutationPluginSchema>
export type RequestParamsPluginConfig = z.output<typeof requestParamsPluginSchema>
export type FastResponsePluginConfig = z.output<typeof fastResponsePluginSchema>
