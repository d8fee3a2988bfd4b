/**
 * What goes into the cache and what comes out of it.
 *
 * Stored form: one `chat.completion` JSON document — the upstream body verbatim for a non-streaming
 * response, or the completion assembled from the SSE chunks for a streaming one (reasoning_content
 * kept: upstream bug #2140 dropped it). Replayed as that JSON for a non-streaming request, or as an
 * SSE stream (role, reasoning, content in word-sized pieces, finish, optional usage, [DONE]) for a
 * streaming one, whichever way the answer was first produced.
 */
import type { AssembledCompletion, ImmediateResponse, ResponseRecord } from '../types.js'

interface StoredMessage {
  role?: string
  content?: string | null
  reasoning_content?: string | null
  tool_calls?: unknown[]
  [key: string]: unknown
}

interface StoredChoice {
  index?: number
  message?: StoredMessage
  finish_reason?: string | null
}

interface StoredCompletion {
  id?: string
  object?: string
  created?: number
  model?: string
  choices?: StoredChoice[]
  usage?: unknown
  system_fingerprint?: unknown
  error?: unknown
}

const CACHEABLE_FINISH = new Set(['stop', 'length', 'tool_calls', null, undefined])

/** The document to store for this upstream response, or undefined when it must not be cached. */
export function cacheableCompletion(
  response: ResponseRecord,
  maxBytes: number,
): string | undefined {
  if (response.error !== undefined || response.status < 200 || response.status >= 300) return
  if (response.streaming) {
    const a = response.assembled
    if (a === undefined || (a.content === '' && a.reasoningContent === '')) return
    if (!CACHEABLE_FINISH.has(a.finishReason)) return
    const text = assembledToJson(a)
    return Buffer.byteLength(text) <= maxBytes ? text : undefined
  }
  const body = response.body
  if (body === undefined || body.length === 0 || body.length > maxBytes) return
  let doc: StoredCompletion
  try {
    doc = JSON.parse(body.toString('utf8')) as StoredCompletion
  } catch {
    return
  }
  if (doc === null || typeof doc !== 'object' || doc.error !== undefined) return
  if (doc.object !== undefined && doc.object !== 'chat.completion') return
  const choices = doc.choices
  if (!Array.isArray(choices) || choices.length === 0) return
  const usable = choices.every(
    (c) =>
      CACHEABLE_FINISH.has(c.finish_reason) &&
      (typeof c.message?.content === 'string' || Array.isArray(c.message?.tool_calls)),
  )
  return usable ? body.toString('utf8') : undefined
}

export function assembledToJson(a: AssembledCompletion): string {
  const message: StoredMessage = { role: 'assistant', content: a.content }
  if (a.reasoningContent !== '') message.reasoning_content = a.reasoningContent
  return JSON.stringify({
    id: a.id,
    object: 'chat.completion',
    created: a.created,
    model: a.model,
    choices: [{ index: 0, message, finish_reason: a.finishReason ?? 'stop' }],
    ...(a.usage ? { usage: a.usage } : {}),
  })
}

export interface ReplayOptions {
  readonly stream: boolean
  /** The request asked for a usage chunk (`stream_options.include_usage`). */
  readonly includeUsage: boolean
  readonly similarity: number
  /** Set on requests answered by waiting for an identical in-flight request. */
  readonly coalesced?: boolean
}

export function replayResponse(stored: string, options: ReplayOptions): ImmediateResponse {
  const headers: Record<string, string> = {
    'content-type': options.stream ? 'text/event-stream' : 'application/json',
    'x-vsr-cache-hit': 'true',
    'x-vsr-cache-similarity': options.similarity.toFixed(4),
  }
  if (options.stream) headers['cache-control'] = 'no-cache'
  if (options.coalesced) headers['x-vsr-cache-coalesced'] = 'true'
  return {
    status: 200,
    kind: 'cache_hit',
    headers,
    body: options.stream ? toSse(JSON.parse(stored) as StoredCompletion, options) : stored,
  }
}

/** Pieces of roughly `size` characters, cut after whitespace so words stay whole. */
export function splitText(text: string, size = 24): string[] {
  const pieces: string[] = []
  let start = 0
  while (start < text.length) {
    let end = Math.min(text.length, start + size)
    if (end < text.length) {
      const space = text.indexOf(' ', end)
      end = space === -1 ? text.length : space + 1
    }
    pieces.push(text.slice(start, end))
    start = end
  }
  return pieces
}

function toSse(doc: StoredCompletion, options: ReplayOptions): string {
  const base = {
    id: doc.id ?? `chatcmpl-cache-${Date.now()}`,
    object: 'chat.completion.chunk',
    created: doc.created ?? Math.floor(Date.now() / 1000),
    model: doc.model ?? '',
    ...(doc.system_fingerprint !== undefined ? { system_fingerprint: doc.system_fingerprint } : {}),
  }
  const events: string[] = []
  const emit = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    events.push(`data: ${JSON.stringify({ ...base, choices, ...extra })}\n\n`)
  for (const [i, choice] of (doc.choices ?? []).entries()) {
    const index = choice.index ?? i
    const message = choice.message ?? {}
    emit([
      { index, delta: { role: message.role ?? 'assistant', content: '' }, finish_reason: null },
    ])
    for (const piece of splitText(message.reasoning_content ?? ''))
      emit([{ index, delta: { reasoning_content: piece }, finish_reason: null }])
    for (const piece of splitText(message.content ?? ''))
      emit([{ index, delta: { content: piece }, finish_reason: null }])
    if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0)
      emit([
        {
          index,
          delta: {
            tool_calls: message.tool_calls.map((call, n) => ({
              index: n,
              ...(call as Record<string, unknown>),
            })),
          },
          finish_reason: null,
        },
      ])
    emit([{ index, delta: {}, finish_reason: choice.finish_reason ?? 'stop' }])
  }
  if (options.includeUsage && doc.usage !== undefined) emit([], { usage: doc.usage })
  events.push('data: [DONE]\n\n')
  return events.join('')
}
