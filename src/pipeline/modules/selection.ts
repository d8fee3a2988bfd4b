/**
 * How modules apply selection (src/routing/selection): the routing module and the PII module both
 * ask the config's ModelSelector for a model — the PII module with the policy as a constraint —
 * and whenever the model changes the EndpointPolicy picks that model's endpoint.
 */
import type { RoutingTables } from '../../routing/tables.js'
import type { ModelConstraint, ModelSelection, Selection } from '../../routing/selection/types.js'
import type { RequestContext } from '../types.js'

/** Ask the selector for a model for the request's category. */
export function selectModel(
  ctx: RequestContext,
  tables: RoutingTables,
  selection: Selection,
  constraints: readonly ModelConstraint[] = [],
): ModelSelection | undefined {
  return selection.models.select({
    requestId: ctx.meta.requestId,
    category: ctx.category,
    candidates: tables.candidates(ctx.category),
    constraints,
    fallback: ctx.config.default_model,
  })
}

/** Route the request to `model` (body name `upstreamModel`) and pick its endpoint. */
export function routeTo(
  ctx: RequestContext,
  tables: RoutingTables,
  selection: Selection,
  model: string,
  upstreamModel: string,
): void {
  ctx.selectedModel = model
  ctx.upstreamModel = upstreamModel
  pickEndpoint(ctx, tables, selection)
}

export function pickEndpoint(
  ctx: RequestContext,
  tables: RoutingTables,
  selection: Selection,
): void {
  const candidates = tables.endpoints.candidates(ctx.selectedModel)
  ctx.endpoint =
    candidates.length === 0
      ? undefined
      : selection.endpoints.pick(candidates, {
          model: ctx.selectedModel,
          requestId: ctx.meta.requestId,
        })
}
