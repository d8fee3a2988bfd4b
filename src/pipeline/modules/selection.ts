/**
 * How modules apply selection (src/routing/selection): the routing module and the PII module both
 * ask for a model among the winning decision's candidates (its modelRefs) — the PII module with the
 * policy as a constraint — using the decision's own selector (its `algorithm`) or the router's
 * default one; whenever the model changes the EndpointPolicy picks that model's endpoint.
 */
import type { Decision } from '../../decisions/types.js'
import type { RoutingTables } from '../../routing/tables.js'
import { selectorFor } from '../../routing/selection/per-decision.js'
import type {
  EndpointCandidate,
  EndpointPickContext,
  EndpointPolicy,
  ModelCandidate,
  ModelConstraint,
  ModelSelection,
  ModelSelectionRequest,
  ModelSelector,
  RequestPreference,
  Selection,
} from '../../routing/selection/types.js'
import { defineSlot, readSlot, writeSlot } from '../module-state.js'
import type { RequestContext } from '../types.js'
import type { Writable } from '../writable.js'
import { requestPreference } from '../../routing/selection/preference.js'

/** The traffic split arm the request was assigned to (per-arm metrics on the response side). */
export const SPLIT_ARM = defineSlot<{ name: string; arm: string }>('split_arm', { optional: true })

/** Response header naming the split and arm (`<split>:<arm>`). */
export const SPLIT_HEADER = 'x-vsr-split-arm'

/** The caller's trade-off for this request (routing parses it; PII re-routing reuses it). */
export const PREFERENCE = defineSlot<RequestPreference>('preference', { optional: true })

/**
 * Parse the request's trade-off knob (header / body) into the PREFERENCE slot and remove the body
 * field, so the upstream never sees it. A malformed value is an invalid_request error.
 */
export function takePreference(ctx: RequestContext): void {
  const { preference, bodyChanged } = requestPreference(ctx.meta.headers, ctx.request.body)
  if (bodyChanged) ctx.bodyChanged = true
  if (preference && ctx.autoRouted) writeSlot(ctx, PREFERENCE, preference)
}

/** A decision's modelRefs as selection candidates (config order). */
export function decisionCandidates(decision: Decision | undefined): ModelCandidate[] {
  return (decision?.modelRefs ?? []).map((ref) => ({
    model: ref.model,
    upstreamModel: ref.upstreamModel,
    score: ref.score,
    ref,
  }))
}

/** The selector for the request's decision and what `x-vsr-selected-algorithm` calls it. */
export function decisionSelector(
  ctx: RequestContext,
  selection: Selection,
): { selector: ModelSelector; algorithm: string } {
  const decision = ctx.decision?.decision
  const selector = selectorFor(selection.decisions, decision, selection.models)
  return { selector, algorithm: selector.kind }
}

/** The endpoint-health constraint of each endpoint policy, built once (not bound per request). */
const HEALTH = new WeakMap<EndpointPolicy, readonly ModelConstraint[] | undefined>()

function healthConstraint(policy: EndpointPolicy): readonly ModelConstraint[] | undefined {
  if (HEALTH.has(policy)) return HEALTH.get(policy)
  const available = policy.available?.bind(policy)
  const health = available && Object.freeze([{ name: 'endpoint_health', accepts: available }])
  HEALTH.set(policy, health)
  return health
}

function withHealth(
  constraints: readonly ModelConstraint[],
  health: readonly ModelConstraint[],
): readonly ModelConstraint[] {
  return constraints.length === 0 ? health : [...constraints, ...health]
}

/** Ask the decision's selector for a model among the decision's candidates. */
export function selectModel(
  ctx: RequestContext,
  selection: Selection,
  constraints: readonly ModelConstraint[] = [],
): ModelSelection | undefined {
  const decision = ctx.decision?.decision
  const avoid = ctx.meta.avoidModels
  if (avoid && avoid.size > 0)
    constraints = [...constraints, { name: 'failover', accepts: (model) => !avoid.has(model) }]
  const preference = readSlot(ctx, PREFERENCE)
  const body = ctx.request.body
  const maxTokens = body['max_completion_tokens'] ?? body['max_tokens']
  const scope =
    decision && ctx.decision ? { recipe: ctx.decision.recipe.name, name: decision.name } : undefined
  const candidates = decisionCandidates(decision)
  const selector = decisionSelector(ctx, selection).selector
  // A model whose every endpoint is ejected or failing its health checks is passed over while
  // another candidate can serve (the next model of the decision takes its traffic); when none can,
  // the choice is made as if all were healthy.
  const health = healthConstraint(selection.endpoints)
  const request: Writable<ModelSelectionRequest> = {
    requestId: ctx.meta.requestId,
    category: ctx.category,
    candidates,
    constraints: health === undefined ? constraints : withHealth(constraints, health),
    fallback: ctx.config.default_model,
    promptTokens: Math.ceil(ctx.request.raw.length / 4),
  }
  // Optional fields set only when present (no spread of a temporary object per field: this runs
  // for every routed request).
  if (scope) request.decision = scope
  if (preference) request.preference = preference
  if (typeof maxTokens === 'number') request.maxTokens = maxTokens
  if (ctx.meta.caller) request.caller = ctx.meta.caller.principal
  if (typeof body['user'] === 'string' && body['user'] !== '') request.user = body['user']
  const choice =
    selector.select(request) ||
    (health === undefined ? undefined : selector.select({ ...request, constraints }))
  if (choice?.split) {
    writeSlot(ctx, SPLIT_ARM, choice.split)
    ctx.responseHeaders.set(SPLIT_HEADER, `${choice.split.name}:${choice.split.arm}`)
  }
  // Remember who served it, so feedback naming this request reaches the decision's scores.
  if (choice?.candidate && scope && candidates.length > 1)
    selection.live?.learning.remember(ctx.meta.requestId, {
      recipe: scope.recipe,
      decision: scope.name,
      model: choice.model,
      candidates: [...new Set(candidates.map((c) => c.model))],
      ...(ctx.meta.caller ? { principal: ctx.meta.caller.principal } : {}),
      ...(choice.split ? { split: choice.split.name, arm: choice.split.arm } : {}),
    })
  return choice
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
  exclude?: ReadonlySet<string>,
): void {
  const model = ctx.selectedModel
  const candidates = tables.endpoints.candidates(model)
  if (candidates.length === 0) {
    ctx.endpoint = undefined
    return
  }
  const context: Writable<EndpointPickContext> = { model, requestId: ctx.meta.requestId }
  if (exclude) context.exclude = exclude
  // A routed request could be served by any of its decision's models: a refusal while everything
  // cools down names the soonest end among all of them (read only then).
  const refs = ctx.autoRouted ? ctx.decision?.decision?.modelRefs : undefined
  if (refs !== undefined && refs.length > 1)
    context.otherModels = () => otherModelsEndpoints(tables, refs, model)
  ctx.endpoint = selection.endpoints.pick(candidates, context)
}

function* otherModelsEndpoints(
  tables: RoutingTables,
  refs: readonly { readonly model: string }[],
  model: string,
): Iterable<readonly EndpointCandidate[]> {
  for (const ref of refs) if (ref.model !== model) yield tables.endpoints.candidates(ref.model)
}
