/** Fields several classification API bodies share. */
import { z } from 'zod'

/** Longest text any endpoint takes (bounded work per call). */
export const MAX_TEXT_CHARS = 1_000_000

/** Most texts per embeddings / similarity-batch request. */
export const MAX_TEXTS = 256

const typeMessage = (wanted: string) => (issue: { code: string; input?: unknown }) =>
  issue.code === 'invalid_type' && issue.input !== undefined ? `must be ${wanted}` : undefined

/** A text to classify: not blank, at most MAX_TEXT_CHARS UTF-16 units. */
export const text = z
  .string({ error: typeMessage('a non-empty string') })
  .max(MAX_TEXT_CHARS)
  .refine((s) => s.trim() !== '', { error: 'must be a non-empty string' })
  .meta({ description: `Not blank; at most ${MAX_TEXT_CHARS} characters` })

/** Any string (empty allowed) up to MAX_TEXT_CHARS: texts to embed. */
export const anyText = z.string().max(MAX_TEXT_CHARS)

/** A probability threshold. */
export const threshold = z.number().min(0).max(1)

/** A list of names (entity types, attack families). */
export const names = z.array(z.string(), { error: typeMessage('an array of strings') })

export const ms = z.number().meta({ description: 'Milliseconds spent' })

export const recommendation = z.enum(['block', 'allow'])

/** The classifier's top choice, reported even when it fell under the routing threshold. */
export const TOP_CATEGORY = z.string().meta({
  description: 'Top category even under classifier.category_model.threshold ("" when none)',
})

/** Whether routing used the top choice (a rule matched, or the model was over the threshold). */
export const ACCEPTED_FOR_ROUTING = z.boolean().meta({
  description: 'false: under classifier.category_model.threshold, routed to default_model',
})
