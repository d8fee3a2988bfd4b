/** Bodies of the semantic cache endpoints. */
import { z } from 'zod'

export const CACHE_FLUSH_REQUEST = z
  .object({
    model: z.string().min(1).optional().meta({ description: 'Only this model’s entries' }),
  })
  .optional()

export const CACHE_FLUSH_RESULT = z.object({
  flushed: z.int().meta({ description: 'Entries removed' }),
  backend: z.string(),
  model: z.string().optional(),
})
