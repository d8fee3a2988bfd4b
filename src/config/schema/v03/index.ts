/**
 * Upstream's v0.3 ("canonical") config document: `version`, `listeners`, `providers`, `routing`,
 * `entrypoints`, `recipes`, `global`, plus this project's own sections (`server`, `upstream`,
 * `extproc`, `pipeline`, `inference`, `security`, `state_store`), which a v0.3 file may carry exactly as a classic one does.
 * See docs/decisions.md and shared/reference/upstream-v03.md.
 */
import { z } from 'zod'
import { inferenceSchema } from '../inference.js'
import { securitySchema, stateStoreSchema } from '../security.js'
import { extprocSchema, pipelineSchema, serverSchema, upstreamSchema } from '../server.js'
import { decisionSchema } from './decisions.js'
import { globalSchema } from './global.js'
import { modelCardSchema, providersSchema } from './providers.js'
import { signalsSchema } from './signals.js'

/** A routing profile: the top-level `routing` (recipe `default`) or a recipe's `routing`. */
export const recipeRoutingSchema = z.strictObject({
  strategy: z.enum(['priority', 'confidence']).optional(),
  signals: signalsSchema.prefault({}),
  projections: z.record(z.string(), z.unknown()).optional(),
  decisions: z.array(decisionSchema).default([]),
})

export const routingSchema = z.strictObject({
  ...recipeRoutingSchema.shape,
  modelCards: z.array(modelCardSchema).default([]),
})

export const entrypointSchema = z.strictObject({
  model_names: z.array(z.string().min(1)).min(1),
  recipe: z.string().min(1),
})

export const recipeSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  routing: recipeRoutingSchema.prefault({}),
})

export const listenerSchema = z.strictObject({
  name: z.string().optional(),
  address: z.string().optional(),
  port: z.number().int().min(0).max(65535).optional(),
  timeout: z.string().optional(),
  api_keys: z.array(z.unknown()).optional(),
})

export const v03DocumentSchema = z.strictObject({
  version: z.union([z.string(), z.number()]).optional(),
  listeners: z.array(listenerSchema).default([]),
  providers: providersSchema.prefault({}),
  routing: routingSchema.prefault({}),
  entrypoints: z.array(entrypointSchema).default([]),
  recipes: z.array(recipeSchema).default([]),
  global: globalSchema.prefault({}),
  /** Read by upstream's CLI only. */
  setup: z.unknown().optional(),

  // This project's sections.
  server: serverSchema.prefault({}),
  upstream: upstreamSchema.prefault({}),
  extproc: extprocSchema.prefault({}),
  pipeline: pipelineSchema.prefault({}),
  inference: inferenceSchema.prefault({}),
  security: securitySchema.prefault({}),
  state_store: stateStoreSchema.prefault({}),
})

export type V03Document = z.output<typeof v03DocumentSchema>
export type RoutingConfig = z.output<typeof routingSchema>
export type RecipeRoutingConfig = z.output<typeof recipeRoutingSchema>
export type EntrypointConfig = z.output<typeof entrypointSchema>
export type RecipeConfig = z.output<typeof recipeSchema>

/** Upstream's rule: a file with `routing` or `global` at the top is a v0.3 document. */
export function isV03Document(raw: Record<string, unknown>): boolean {
  return Object.hasOwn(raw, 'routing') || Object.hasOwn(raw, 'global')
}
