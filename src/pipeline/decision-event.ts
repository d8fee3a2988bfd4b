/**
 * Turns a finished request's context into the DecisionEvent live consumers get (src/runtime/
 * events.ts): the decision, the evidence behind it (classifier result, entropy, guard verdicts,
 * cache), the candidates and the score that won, and what it cost. Called only when someone
 * listens (the caller checks RouterEvents.active first).
 */
import { ERROR_CODES, isRouterError, type ErrorCode } from '../errors.js'
import { deniedTypes } from '../routing/pii-policy.js'
import type { RoutingTables } from '../routing/tables.js'
import type {
  CandidateModel,
  DecisionEvent,
  DecisionOutcome,
  GuardVerdicts,
  SignalEvidence,
} from '../runtime/events.js'
import { classificationState } from './modules/classification.js'
import { jailbreakState } from './modules/jailbreak.js'
import { piiState } from './modules/pii.js'
import { SEMANTIC_CACHE } from './modules/semantic-cache.js'
import { costOf } from './response-tracker.js'
import type { ImmediateResponse, RequestContext, RequestMeta, ResponseRecord } from './types.js'

/** What the finished request's record must say (immediate answers have no upstream record). */
export type FinishedRecord = Pick<ResponseRecord, 'status' | 'latencySeconds' | 'usage' | 'error'> &
  Partial<Pick<ResponseRecord, 'ttftSeconds' | 'streaming'>>

const TOP_PROBABILITIES = 5

export function decisionEvent(
  ctx: RequestContext,
  record: FinishedRecord,
  tables: RoutingTables,
  response?: ImmediateResponse,
): DecisionEvent {
  const outcome: DecisionOutcome = response ? response.kind : 'forwarded'
  const cost = costOf(ctx, record.usage)
  const usage = record.usage
  const promptChars = ctx.config.console.show_prompts ? ctx.config.console.prompt_chars : 0
  return {
    type: 'decision',
    id: ctx.meta.requestId,
    at: Date.now(),
    transport: ctx.meta.transport,
    outcome,
    status: clientStatus(record.status, record.error),
    requestedModel: ctx.request.model,
    autoRouted: ctx.autoRouted,
    ...decisionOf(ctx, tables),
    category: ctx.category,
    confidence: ctx.confidence,
    ...classifierOf(ctx, tables),
    signals: [...decisionSignals(ctx, tables), ...signalsOf(ctx, response)],
    candidates: candidatesOf(ctx),
    selectedModel: ctx.selectedModel,
    upstreamModel: ctx.upstreamModel,
    reasonCode: ctx.reasonCode,
    ...(ctx.reasoning ? { reasoning: { ...ctx.reasoning } } : {}),
    systemPromptInjected: ctx.systemPromptInjected,
    ...(ctx.endpoint && outcome === 'forwarded'
      ? { endpoint: { name: ctx.endpoint.name, address: ctx.endpoint.hostPort } }
      : {}),
    guards: guardsOf(ctx, response),
    ...cacheOf(ctx, response),
    ...(usage
      ? {
          usage: {
            promptTokens: usage.prompt_tokens,
            completionTokens: usage.completion_tokens,
            totalTokens: usage.total_tokens,
          },
        }
      : {}),
    ...(cost.priced ? { cost: { amount: cost.cost, currency: cost.currency } } : {}),
    latencyMs: round(record.latencySeconds * 1000),
    routingLatencyMs: round(ctx.timings['routing_total'] ?? 0),
    ...(record.ttftSeconds === undefined ? {} : { ttftMs: round(record.ttftSeconds * 1000) }),
    streaming: record.streaming ?? false,
    ...(record.error === undefined ? {} : { error: record.error }),
    ...(promptChars > 0 ? { prompt: excerpt(ctx.request.userText, promptChars) } : {}),
  }
}

/** A request refused before or while deciding (bad body, a failing classifier, a timeout). */
export function rejectedEvent(
  meta: RequestMeta,
  err: unknown,
  requestedModel: string | undefined,
): DecisionEvent {
  const code = isRouterError(err) ? err.code : 'internal_error'
  return {
    type: 'decision',
    id: meta.requestId,
    at: Date.now(),
    transport: meta.transport,
    outcome: 'rejected',
    status: ERROR_CODES[code].status,
    requestedModel: requestedModel ?? '',
    autoRouted: false,
    category: '',
    confidence: 0,
    signals: [],
    candidates: [],
    selectedModel: '',
    upstreamModel: '',
    reasonCode: '',
    systemPromptInjected: false,
    guards: {},
    latencyMs: round(performance.now() - meta.startedAt),
    routingLatencyMs: round(performance.now() - meta.startedAt),
    streaming: false,
    error: code,
  }
}

/** The status the client saw: the upstream's, or the router's error status when none came. */
function clientStatus(status: number, error: string | undefined): number {
  if (status > 0 || error === undefined) return status
  return error in ERROR_CODES ? ERROR_CODES[error as ErrorCode].status : 0
}

function classifierOf(ctx: RequestContext, tables: RoutingTables): Partial<DecisionEvent> {
  const c = ctx.classification
  if (!c) return {}
  const top = c.distribution
    ? [...c.distribution]
        .sort((a, b) => b.probability - a.probability)
        .slice(0, TOP_PROBABILITIES)
        .map((d) => ({
          category: tables.categories.translate(d.category),
          probability: round(d.probability, 4),
        }))
    : undefined
  return {
    classifier: {
      source: c.source,
      label: tables.categories.translate(c.category),
      ...(c.detail === undefined ? {} : { detail: c.detail }),
      ...(top ? { top } : {}),
    },
  }
}

/** Classic configs compile each category to a decision of the same name: the category says it. */
function decisionOf(ctx: RequestContext, tables: RoutingTables): Partial<DecisionEvent> {
  const result = ctx.decision
  if (!result || tables.decisions.source === 'classic') return {}
  return {
    ...(result.decision ? { decision: result.decision.name } : {}),
    ...(result.recipe.name === 'default' ? {} : { recipe: result.recipe.name }),
  }
}

/**
 * What the decision engine evaluated: each signal rule that matched (with its confidence), each
 * signal type that matched nothing, and (signals/decisions configs) every decision that matched.
 * The classic `domain` signal is the classifier result, listed by signalsOf with its threshold.
 */
function decisionSignals(ctx: RequestContext, tables: RoutingTables): SignalEvidence[] {
  const result = ctx.decision
  if (!result) return []
  const out: SignalEvidence[] = []
  for (const [type, outcome] of result.outcomes) {
    if (type === 'domain' && ctx.classification) continue
    const measured = evidenceLine(outcome.evidence)
    if (outcome.matches.size === 0)
      out.push({ kind: type, name: 'no rule matched', matched: false, ...measured })
    for (const [name, confidence] of outcome.matches)
      out.push({ kind: type, name, matched: true, value: round(confidence, 4), ...measured })
  }
  if (tables.decisions.source === 'v0.3')
    for (const v of result.matched)
      out.push({
        kind: 'decision',
        name: v.decision.name,
        matched: true,
        value: round(v.value.confidence, 4),
        detail:
          v.decision === result.decision
            ? `won (${result.recipe.strategy}, priority ${v.decision.priority})`
            : `matched, lost (priority ${v.decision.priority})`,
      })
  return out
}

/** A signal's measurements as one line: numbers and flags only (never text from the prompt). */
function evidenceLine(evidence: Readonly<Record<string, unknown>> | undefined): {
  detail?: string
} {
  if (!evidence) return {}
  const parts = Object.entries(evidence)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'boolean')
    .slice(0, 4)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? round(v, 3) : String(v)}`)
  return parts.length > 0 ? { detail: parts.join(', ') } : {}
}

function signalsOf(ctx: RequestContext, response: ImmediateResponse | undefined): SignalEvidence[] {
  const out: SignalEvidence[] = []
  const c = ctx.classification
  if (c) {
    const threshold = ctx.config.classifier.category_model.threshold
    const model = c.source === 'model'
    out.push({
      kind: c.source,
      name: c.detail ?? c.category,
      matched: ctx.category !== '',
      value: round(c.confidence, 4),
      detail: model
        ? `confidence ${c.confidence.toFixed(3)} ${c.confidence >= threshold ? '≥' : '<'} threshold ${threshold}`
        : `rule matched → ${ctx.category || c.category}`,
    })
  } else if (ctx.autoRouted) {
    out.push({
      kind: 'classifier',
      name: 'chain',
      matched: false,
      detail: 'no classifier answered',
    })
  }
  const entropy = classificationState(ctx)?.entropy
  if (entropy)
    out.push({
      kind: 'entropy',
      name: `${entropy.level} uncertainty`,
      matched: true,
      value: round(entropy.normalizedEntropy, 3),
      detail: `reasoning ${entropy.useReasoning ? 'on' : 'off'}: ${entropy.reason}`,
    })
  const guards = guardsOf(ctx, response)
  if (guards.jailbreak)
    out.push({
      kind: 'jailbreak',
      name: guards.jailbreak.type ?? 'prompt_guard',
      matched: guards.jailbreak.blocked,
      value: guards.jailbreak.probability,
      detail: `threshold ${guards.jailbreak.threshold}`,
    })
  if (guards.pii)
    out.push({
      kind: 'pii',
      name: guards.pii.types.join(', ') || 'none',
      matched: guards.pii.denied.length > 0,
      detail: guards.pii.action,
    })
  return out
}

function candidatesOf(ctx: RequestContext): CandidateModel[] {
  const refs = ctx.decision?.decision?.modelRefs ?? []
  const pii = piiState(ctx)
  return refs.map((c) => {
    const denied = pii ? deniedTypes(ctx.config, c.model, pii.types) : []
    return {
      model: c.model,
      score: c.score,
      chosen: c.model === ctx.selectedModel,
      ...(denied.length > 0 ? { excluded: `PII policy: ${denied.join(', ')}` } : {}),
    }
  })
}

function guardsOf(ctx: RequestContext, response: ImmediateResponse | undefined): GuardVerdicts {
  const j = jailbreakState(ctx)
  const p = piiState(ctx)
  const blocked = response?.kind === 'jailbreak_block'
  const type = response?.headers['x-vsr-jailbreak-type']
  return {
    ...(j || blocked
      ? {
          jailbreak: {
            blocked,
            probability: round(j?.maxProbability ?? 1, 4),
            threshold: j?.threshold ?? ctx.config.prompt_guard.threshold,
            ...(type === undefined ? {} : { type }),
          },
        }
      : {}),
    ...(p
      ? {
          pii: {
            types: [...p.types],
            denied: [...p.denied],
            action: p.action,
            threshold: p.threshold,
          },
        }
      : {}),
  }
}

function cacheOf(
  ctx: RequestContext,
  response: ImmediateResponse | undefined,
): Partial<DecisionEvent> {
  if (response?.kind === 'cache_hit') {
    const similarity = Number(response.headers['x-vsr-cache-similarity'])
    return { cache: { hit: true, ...(Number.isFinite(similarity) ? { similarity } : {}) } }
  }
  return ctx.moduleState.has(SEMANTIC_CACHE) ? { cache: { hit: false } } : {}
}

function excerpt(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, chars)}…`
}

function round(v: number, digits = 3): number {
  const f = 10 ** digits
  return Math.round(v * f) / f
}
