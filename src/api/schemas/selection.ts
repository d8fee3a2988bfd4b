/** Bodies of the feedback and learned-scores endpoints (issue 15, item 6). */
import { z } from 'zod'

const requestId = z
  .string()
  .min(1)
  .max(128)
  .meta({ description: 'The x-request-id of a routed chat request (every answer carries it)' })

export const FEEDBACK_REQUEST = z
  .strictObject({
    request_id: requestId,
    rating: z.number().min(0).max(1).optional().meta({
      description: 'How good the answer was: 0 (bad) … 1 (good); thumbs up = 1, down = 0',
    }),
    preference: z
      .strictObject({
        other_request_id: requestId,
        outcome: z.enum(['win', 'loss', 'tie']).meta({
          description: 'win: the answer to request_id was preferred over the other one',
        }),
      })
      .optional()
      .meta({ description: 'A pairwise comparison of two answers from the same decision' }),
    label: z
      .string()
      .max(64)
      .regex(/^[A-Za-z0-9._:-]*$/)
      .optional()
      .meta({ description: 'Where the feedback came from (logged; letters, digits, ._:-)' }),
  })
  .refine((b) => (b.rating === undefined) !== (b.preference === undefined), {
    message: 'give exactly one of rating and preference',
    path: ['rating'],
  })

export const FEEDBACK_RESULT = z.object({
  applied: z.literal(true),
  request_id: z.string(),
  recipe: z.string(),
  decision: z.string(),
  models: z.array(z.string()).meta({ description: 'The models whose scores changed' }),
})

const modelScores = z.strictObject({
  rating: z.number().meta({ description: 'Elo rating' }),
  alpha: z.number().positive(),
  beta: z.number().positive(),
  feedback: z.number().min(0).meta({ description: 'Pieces of feedback received' }),
  mean: z.number().min(0).max(1).meta({ description: 'alpha / (alpha + beta)' }),
})

export const SCORES_EXPORT = z.object({
  version: z.literal(1),
  exported_at: z.string(),
  decisions: z
    .array(
      z.strictObject({
        recipe: z.string().min(1).max(256),
        decision: z.string().min(1).max(256),
        models: z.record(z.string().max(256), modelScores),
      }),
    )
    .max(10_000),
})

/** `semantic-router eval models` writes model_scores.json in this shape (results by category). */
export const EVAL_MODEL_SCORES = z.object({
  results: z.record(
    z.string(),
    z.array(
      z.object({
        model: z.string(),
        questions: z.number().int().min(0),
        score: z.number().min(0).max(1),
      }),
    ),
  ),
})

export const SCORES_IMPORT = z.union([
  SCORES_EXPORT.extend({ exported_at: z.string().optional() }),
  EVAL_MODEL_SCORES.extend({
    recipe: z.string().min(1).max(256).optional().meta({
      description: 'Recipe whose decisions (named after the categories) are seeded; default',
    }),
  }),
])

export const SCORES_IMPORT_RESULT = z.object({
  imported: z.int().meta({ description: 'Models whose learned state was replaced' }),
  decisions: z.int(),
})
