/**
 * `POST /v1/chat/completions` for the simulator: validates like vLLM, applies faults, waits for a
 * generation slot, then answers as JSON or as an SSE stream with vLLM's chunk sequence.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from '../log.js'
import type { FaultSpec } from './behaviour.js'
import { chooseFault, FAULT_HEADER, faultKinds, findFaultMarker } from './faults.js'
import {
  contentText,
  countPromptTokens,
  decideReasoning,
  planOutput,
  type OutputPlan,
  type ReasoningDecision,
} from './generate.js'
import { errorBody, isAbortError, sendError, sendJson, sleep, untilAborted } from './http-util.js'
import type { SimulatorMetrics } from './metrics.js'
import { QueueFullError, type ModelState } from './model-state.js'
import { streamCompletion, jsonCompletion, type CompletionMeta } from './respond.js'

/** Chooses the answer text for a request (the quiz answers from an answer key); undefined = filler. */
export type Responder = (request: ResponderInput) => string | undefined

export interface ResponderInput {
  readonly model: string
  readonly promptText: string
  readonly reasoning: ReasoningDecision
}

export interface ChatContext {
  readonly models: ReadonlyMap<string, ModelState>
  /** Model used for names nobody configured, when unknown models are accepted. */
  readonly fallbackModel: ModelState | undefined
  readonly metrics: SimulatorMetrics
  readonly random: () => number
  readonly log: Logger
  readonly promptFaults: boolean
  readonly responder: Responder | undefined
  nextId(): string
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

interface ValidRequest {
  readonly body: Record<string, unknown>
  readonly model: string
  readonly messages: Record<string, unknown>[]
}

/** vLLM-like validation; returns the problem as a string. */
function validate(raw: Buffer): ValidRequest | string {
  let body: unknown
  try {
    body = JSON.parse(raw.toString('utf8'))
  } catch {
    return 'request body is not valid JSON'
  }
  if (!isRecord(body)) return 'request body must be a JSON object'
  const model = body['model']
  if (typeof model !== 'string' || model === '') return 'model must be a non-empty string'
  const messages = body['messages']
  if (!Array.isArray(messages) || messages.length === 0) return 'messages must be a non-empty array'
  if (!messages.every(isRecord)) return 'every message must be an object'
  for (const key of ['max_tokens', 'max_completion_tokens'] as const) {
    const v = body[key]
    if (v !== undefined && v !== null && (!Number.isInteger(v) || (v as number) < 1)) {
      return `${key} must be a positive integer`
    }
  }
  return { body, model, messages }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

export async function handleChat(
  ctx: ChatContext,
  req: IncomingMessage,
  res: ServerResponse,
  raw: Buffer,
  signal: AbortSignal,
): Promise<void> {
  const started = performance.now()
  const valid = validate(raw)
  if (typeof valid === 'string') {
    ctx.metrics.add('simulator_requests_total', { model_name: '', outcome: 'rejected' })
    sendError(res, 400, `${valid} (semantic-router simulator)`)
    return
  }
  const state = ctx.models.get(valid.model) ?? ctx.fallbackModel
  if (state === undefined) {
    ctx.metrics.add('simulator_requests_total', { model_name: '', outcome: 'rejected' })
    const names = [...ctx.models.keys()].join(', ')
    sendError(res, 404, `The model \`${valid.model}\` does not exist (simulator serves: ${names}).`)
    return
  }
  const labels = { model_name: state.name }
  const allText = valid.messages.map((m) => contentText(m['content'])).join('\n')
  const decision = chooseFault(
    {
      marker: ctx.promptFaults ? findFaultMarker(allText) : undefined,
      header: headerValue(req, FAULT_HEADER),
      configured: state.behaviour.fault,
    },
    ctx.random,
  )
  if ('error' in decision) {
    ctx.metrics.add('simulator_requests_total', { ...labels, outcome: 'rejected' })
    sendError(res, 400, `${decision.error} (semantic-router simulator)`)
    return
  }
  const fault = decision.fault
  if (fault) {
    for (const kind of faultKinds(fault)) {
      ctx.metrics.add('simulator_faults_injected_total', {
        ...labels,
        kind,
        source: decision.source,
      })
    }
  }
  let outcome = 'ok'
  try {
    outcome = await serve(ctx, state, valid, res, fault, signal, started)
  } catch (err) {
    if (err instanceof QueueFullError) {
      outcome = 'rejected'
      sendError(res, 503, `${err.message} (semantic-router simulator)`)
    } else if (isAbortError(err) || signal.aborted) {
      outcome = 'aborted'
      if (!res.writableEnded) res.destroy()
    } else {
      throw err
    }
  } finally {
    ctx.metrics.add('simulator_requests_total', { ...labels, outcome })
    ctx.log.debug(
      {
        event: 'simulator_request',
        model: state.name,
        stream: valid.body['stream'] === true,
        fault: fault ? faultKinds(fault).join('+') : undefined,
        fault_source: fault ? decision.source : undefined,
        outcome,
        ms: Math.round(performance.now() - started),
      },
      'simulator_request',
    )
  }
}

async function serve(
  ctx: ChatContext,
  state: ModelState,
  valid: ValidRequest,
  res: ServerResponse,
  fault: FaultSpec | undefined,
  signal: AbortSignal,
  started: number,
): Promise<string> {
  if (fault?.slowHeadersMs !== undefined) await sleep(fault.slowHeadersMs, signal)
  const release = await state.acquire(signal)
  try {
    if (fault?.hang === true) {
      await untilAborted(signal)
      return 'aborted'
    }
    if (fault?.status !== undefined) {
      await sleep(fault.delayMs ?? 0, signal)
      const message = fault.message ?? `simulated fault: status ${fault.status}`
      const retryAfter: Record<string, string> =
        fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) }
      sendJson(
        res,
        fault.status,
        errorBody(fault.status, `${message} (semantic-router simulator)`),
        retryAfter,
      )
      return 'fault'
    }
    const reasoning = decideReasoning(valid.body, state.behaviour.supportsReasoning)
    const lastUser = [...valid.messages].reverse().find((m) => m['role'] === 'user')
    const promptText = contentText(lastUser?.['content'])
    const maxTokens = (valid.body['max_completion_tokens'] ?? valid.body['max_tokens']) as
      number | undefined
    const plan: OutputPlan = planOutput({
      model: valid.model,
      promptText,
      behaviour: state.behaviour,
      reasoning,
      maxTokens: maxTokens ?? undefined,
      content: ctx.responder?.({ model: valid.model, promptText, reasoning }),
    })
    const meta: CompletionMeta = {
      id: ctx.nextId(),
      model: valid.model,
      created: Math.floor(Date.now() / 1000),
      promptTokens: countPromptTokens(valid.messages),
      plan,
      behaviour: state.behaviour,
      fault,
      started,
      metrics: ctx.metrics,
      labels: { model_name: state.name },
    }
    const streamOptions = valid.body['stream_options']
    if (valid.body['stream'] === true) {
      const includeUsage = isRecord(streamOptions) && streamOptions['include_usage'] === true
      return await streamCompletion(res, meta, includeUsage, signal)
    }
    return await jsonCompletion(res, meta, signal)
  } finally {
    release()
  }
}
