/**
 * GET /api/v1/selection/scores — every learned score this runtime knows (decisions with an elo or
 * bandit selector, or with feedback), as JSON. PUT /api/v1/selection/scores — replace the named
 * decisions' learned state with an export, or seed it from `semantic-router eval models` output
 * (model_scores.json: each category's accuracy seeds the decision of the same name — a classic
 * config's categories are decisions of their names). Admin routes (ours; issue 15).
 */
import type { z } from 'zod'
import { RouterError } from '../../errors.js'
import type { Learning, ScoresExport } from '../../routing/selection/learning.js'
import { scoresFromEval } from '../../routing/selection/seed.js'
import { SCORES_EXPORT, SCORES_IMPORT, SCORES_IMPORT_RESULT } from '../schemas/selection.js'
import type { ApiContext, ApiRoute } from '../types.js'

function learningOf(ctx: ApiContext): Learning {
  const learning = ctx.runtime()?.pipeline.selection.live?.learning
  if (!learning) throw new RouterError('not_ready')
  return learning
}

export const selectionScoresRoute: ApiRoute = {
  method: 'GET',
  path: '/api/v1/selection/scores',
  access: 'admin',
  summary: 'Export the learned model scores (Elo ratings, success counts) of every decision',
  schema: { response: SCORES_EXPORT },
  handle: async (_req, ctx) => ({ body: await learningOf(ctx).exportScores() }),
}

export const selectionScoresImportRoute: ApiRoute<z.output<typeof SCORES_IMPORT>> = {
  method: 'PUT',
  path: '/api/v1/selection/scores',
  access: 'admin',
  summary: 'Import learned model scores (an export, or eval models output as a seed)',
  schema: { request: SCORES_IMPORT, response: SCORES_IMPORT_RESULT },
  handle: async (req, ctx) => {
    const learning = learningOf(ctx)
    const body = req.body
    const data: ScoresExport =
      'results' in body
        ? scoresFromEval(body, body.recipe ?? 'default', learning)
        : { version: 1, exported_at: body.exported_at ?? '', decisions: body.decisions }
    const imported = await learning.importScores(data)
    ctx.log.info(
      { event: 'selection_scores_imported', decisions: data.decisions.length, models: imported },
      'selection_scores_imported',
    )
    return { body: { imported, decisions: data.decisions.length } }
  },
}
