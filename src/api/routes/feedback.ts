/**
 * POST /api/v1/feedback — how good a routed answer was (ours; issue 15). `request_id` is the
 * `x-request-id` of the chat request (every answer carries it); give a `rating` in [0, 1], or a
 * pairwise `preference` against another request of the same decision. The scores of the decision
 * that served it are updated at once (Elo ratings and bandit counts, with decay;
 * docs/decisions.md#feedback-and-ab-tests) and shared through the state store.
 *
 * Only the caller who sent the request may rate it (the same API key, or the same Authorization
 * header when authentication is off); an admin key may rate any. Anyone else's request id is
 * answered like an unknown one, so ids cannot be probed.
 */
import type { z } from 'zod'
import { RouterError } from '../../errors.js'
import { label } from '../../metrics/router-metrics.js'
import { FEEDBACK_REQUEST, FEEDBACK_RESULT } from '../schemas/selection.js'
import type { ApiRoute } from '../types.js'

export const feedbackRoute: ApiRoute<z.output<typeof FEEDBACK_REQUEST>> = {
  method: 'POST',
  path: '/api/v1/feedback',
  access: 'caller',
  summary: 'Rate a routed answer, or prefer one of two (updates learned model scores)',
  schema: { request: FEEDBACK_REQUEST, response: FEEDBACK_RESULT },
  handle: async (req, ctx) => {
    const runtime = ctx.runtime()
    const learning = runtime?.pipeline.selection.live?.learning
    if (!learning) throw new RouterError('not_ready')
    const body = req.body
    const caller = req.caller
    const result = await learning.feedback(
      body.rating !== undefined
        ? { requestId: body.request_id, rating: body.rating }
        : {
            requestId: body.request_id,
            otherRequestId: body.preference!.other_request_id,
            outcome: body.preference!.outcome,
          },
      caller && !caller.admin ? { principal: caller.principal } : {},
    )
    if (!result.applied)
      throw result.reason === 'unknown_request'
        ? new RouterError(
            'request_not_found',
            'No routed request with that id is known (unknown, expired, sent by another caller, or not routed among several models)',
          )
        : new RouterError(
            'invalid_request',
            'preference: the two requests were routed by different decisions',
            { param: 'preference.other_request_id' },
          )
    ctx.metrics.selection.feedback.inc({
      decision: label(result.decision),
      kind: body.rating !== undefined ? 'rating' : 'preference',
    })
    const arm = result.served.split && result.served.arm
    if (arm && body.rating !== undefined) {
      const labels = { split: label(result.served.split), arm: label(result.served.arm) }
      ctx.metrics.selection.armFeedback.inc(labels)
      ctx.metrics.selection.armRating.inc(labels, body.rating)
    }
    const book = learning.book({ recipe: result.recipe, name: result.decision })
    for (const model of result.models) {
      const s = book.scores(model)
      ctx.metrics.selection.score.set(
        { decision: label(result.decision), model: label(model), kind: 'elo' },
        s.rating,
      )
      ctx.metrics.selection.score.set(
        { decision: label(result.decision), model: label(model), kind: 'success' },
        s.mean,
      )
    }
    ctx.log.info(
      {
        event: 'selection_feedback',
        request_id: body.request_id,
        recipe: result.recipe,
        decision: result.decision,
        models: result.models,
        ...(body.rating !== undefined
          ? { rating: body.rating }
          : { outcome: body.preference!.outcome }),
        ...(body.label === undefined ? {} : { label: body.label }),
      },
      'selection_feedback',
    )
    return {
      body: {
        applied: true,
        request_id: body.request_id,
        recipe: result.recipe,
        decision: result.decision,
        models: [...result.models],
      },
    }
  },
}
