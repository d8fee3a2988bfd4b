/**
 * Builders for answers the router gives itself, in upstream's shapes (upstream.md §3.6). Blocks
 * return HTTP 200 with a `content_filter` completion, as upstream does, so OpenAI clients surface
 * the message instead of throwing. Each builder returns JSON or SSE to match the request.
 */
import type { ImmediateResponse } from './types.js'

const JSON_TYPE = 'application/json'
const SSE_TYPE = 'text/event-stream'

interface CompletionParts {
  id: string
  model: string
  created: number
  content: string
  finishReason: string
  reasoningContent?: string
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number }
}

export function completionJson(p: CompletionParts): string {
  const message: Record<string, unknown> = { role: 'assistant', content: p.content }
  if (p.reasoningContent) message['reasoning_content'] = p.reasoningContent
  return JSON.stringify({
    id: p.id,
    object: 'chat.completion',
    created: p.created,
    model: p.model,
    choices: [{ index: 0, message, finish_reason: p.finishReason }],
    usage: p.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  })
}

/** A single-chunk SSE stream (role + content + finish_reason), then `[DONE]`. */
export function completionSse(p: CompletionParts): string {
  const delta: Record<string, unknown> = { role: 'assistant', content: p.content }
  if (p.reasoningContent) delta['reasoning_content'] = p.reasoningContent
  const chunk = {
    id: p.id,
    object: 'chat.completion.chunk',
    created: p.created,
    model: p.model,
    choices: [{ index: 0, delta, finish_reason: p.finishReason }],
    ...(p.usage ? { usage: p.usage } : {}),
  }
  return `data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000)
}

/** A completion the router writes itself, as JSON or SSE to match the request. */
function ownAnswer(args: {
  kind: ImmediateResponse['kind']
  stream: boolean
  idPrefix: string
  model: string
  content: string
  finishReason: string
  headers: Readonly<Record<string, string>>
}): ImmediateResponse {
  const created = unixNow()
  const parts = {
    id: `${args.idPrefix}-${created}`,
    model: args.model,
    created,
    content: args.content,
    finishReason: args.finishReason,
  }
  return {
    status: 200,
    kind: args.kind,
    headers: { 'content-type': args.stream ? SSE_TYPE : JSON_TYPE, ...args.headers },
    body: args.stream ? completionSse(parts) : completionJson(parts),
  }
}

export function jailbreakBlockResponse(args: {
  stream: boolean
  type: string
  confidence: number
}): ImmediateResponse {
  return ownAnswer({
    kind: 'jailbreak_block',
    stream: args.stream,
    idPrefix: 'chatcmpl-jailbreak-blocked',
    model: 'security-filter',
    content: `I cannot process this request as it appears to contain a potential jailbreak attempt (type: ${args.type}, confidence: ${args.confidence.toFixed(3)}). Please rephrase your request in a way that complies with our usage policies.`,
    finishReason: 'content_filter',
    headers: {
      'x-vsr-jailbreak-blocked': 'true',
      'x-vsr-jailbreak-type': args.type,
      'x-vsr-jailbreak-confidence': args.confidence.toFixed(3),
    },
  })
}

export function piiBlockResponse(args: {
  stream: boolean
  model: string
  types: readonly string[]
}): ImmediateResponse {
  return ownAnswer({
    kind: 'pii_block',
    stream: args.stream,
    idPrefix: 'chatcmpl-pii-violation',
    model: args.model,
    content: `I cannot process this request as it contains personally identifiable information ([${args.types.join(' ')}]) that is not allowed for the '${args.model}' model according to the configured privacy policy. Please remove any sensitive information and try again.`,
    finishReason: 'content_filter',
    headers: { 'x-vsr-pii-violation': 'true', 'x-vsr-pii-types': args.types.join(',') },
  })
}

/**
 * A decision's `fast_response` plugin: its message as the assistant's answer, without calling a
 * model (upstream: response path `fast_response`, header `x-vsr-fast-response`).
 */
export function fastResponse(args: {
  stream: boolean
  model: string
  message: string
  headers: Readonly<Record<string, string>>
}): ImmediateResponse {
  return ownAnswer({
    kind: 'fast_response',
    stream: args.stream,
    idPrefix: 'chatcmpl-fast-response',
    model: args.model,
    content: args.message,
    finishReason: 'stop',
    headers: {
      ...args.headers,
      'x-vsr-fast-response': 'true',
      'x-vsr-response-path': 'fast_response',
    },
  })
}

/** The `/v1/models` list: the auto model, plus configured models when asked. */
export function modelsListBody(args: {
  autoModelName: string
  configModels: readonly string[]
  ownedBy: string
}): Record<string, unknown> {
  const created = unixNow()
  return {
    object: 'list',
    data: [
      {
        id: args.autoModelName,
        object: 'model',
        created,
        owned_by: 'vllm-semantic-router',
        description: 'Intelligent Router for Mixture-of-Models',
      },
      ...args.configModels.map((id) => ({ id, object: 'model', created, owned_by: args.ownedBy })),
    ],
  }
}
