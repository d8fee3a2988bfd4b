/**
 * Which requests the cache may answer, and under which key.
 *
 * The question (the last user message) is matched by meaning; everything else that shapes the answer
 * must match exactly and is hashed into the partition's `context`: system/developer prompts, earlier
 * turns (multi-turn, when enabled), tools, response format, n, stop, token limits, reasoning
 * settings. Sampling settings (temperature, top_p, seed) are not part of the key — a cache serves one
 * sample of the answer, as upstream's does.
 */
import { createHash } from 'node:crypto'
import { messageText } from '../openai/parse.js'
import type { ParsedChatRequest } from '../openai/types.js'

const ANSWER_SHAPING_FIELDS = [
  'tools',
  'tool_choice',
  'functions',
  'function_call',
  'response_format',
  'n',
  'stop',
  'max_tokens',
  'max_completion_tokens',
  'logprobs',
  'top_logprobs',
  'reasoning_effort',
  'chat_template_kwargs',
  'guided_json',
  'guided_regex',
  'guided_choice',
] as const

export type Eligibility =
  | { readonly ok: true; readonly query: string; readonly context: string }
  | { readonly ok: false; readonly reason: 'no_user_text' | 'multi_turn' | 'non_text_content' }

export function cacheEligibility(request: ParsedChatRequest, multiTurn: boolean): Eligibility {
  const messages = request.body.messages
  let last = -1
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i]!.role === 'user') {
      last = i
      break
    }
  const query = request.userText.trim()
  if (last === -1 || query === '') return { ok: false, reason: 'no_user_text' }
  if (request.multiTurn && !multiTurn) return { ok: false, reason: 'multi_turn' }
  for (const message of messages)
    if (Array.isArray(message.content) && message.content.some((part) => part.type !== 'text'))
      return { ok: false, reason: 'non_text_content' }

  const shape: unknown[] = []
  messages.forEach((message, i) => {
    if (i === last) return
    if (message.role === 'user' && !multiTurn) return
    shape.push([message.role, messageText(message), message['tool_calls'] ?? null])
  })
  // Participant names change the answer (and whom it addresses), the question's included.
  const names = messages.map((m) => (typeof m['name'] === 'string' ? m['name'] : null))
  if (names.some((n) => n !== null)) shape.push(['names', names])
  const fields: Record<string, unknown> = {}
  for (const field of ANSWER_SHAPING_FIELDS)
    if (request.body[field] !== undefined) fields[field] = request.body[field]
  const context =
    shape.length === 0 && Object.keys(fields).length === 0
      ? ''
      : createHash('sha256')
          .update(JSON.stringify([shape, fields]))
          .digest('base64url')
          .slice(0, 22)
  return { ok: true, query, context }
}
