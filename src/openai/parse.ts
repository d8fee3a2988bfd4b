/**
 * Parse and validate a chat-completions request body. Shared by the gateway and ext_proc so both
 * reject the same inputs with the same error codes.
 */
import { RouterError } from '../errors.js'
import { parseClientJson } from '../json-limits.js'
import type { ChatCompletionBody, ChatMessage, ParsedChatRequest } from './types.js'

/** Text of a message: a string, or its text parts joined by a space (upstream's rule). */
export function messageText(message: ChatMessage): string {
  const content = message.content
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  const texts: string[] = []
  for (const part of content) {
    if (part.type === 'text' && typeof part['text'] === 'string') texts.push(part['text'])
  }
  return texts.join(' ')
}

export function parseChatRequest(raw: Buffer): ParsedChatRequest {
  const json = parseClientJson(raw.toString('utf8'))
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new RouterError('invalid_request', 'Request body must be a JSON object')
  const body = json as Record<string, unknown>

  if (body['model'] !== undefined && typeof body['model'] !== 'string')
    throw new RouterError('invalid_request', 'model must be a string', { param: 'model' })
  const model = typeof body['model'] === 'string' ? body['model'] : ''
  if (model === '')
    throw new RouterError('invalid_request', 'model is required', { param: 'model' })

  const messages = body['messages']
  if (!Array.isArray(messages) || messages.length === 0)
    throw new RouterError('missing_messages', undefined, { param: 'messages' })
  messages.forEach(validateMessage)

  if (
    body['stream'] !== undefined &&
    body['stream'] !== null &&
    typeof body['stream'] !== 'boolean'
  )
    throw new RouterError('invalid_request', 'stream must be a boolean', { param: 'stream' })

  return describe(raw, body as ChatCompletionBody, model)
}

function validateMessage(message: unknown, index: number): void {
  const param = `messages[${index}]`
  if (message === null || typeof message !== 'object' || Array.isArray(message))
    throw new RouterError('invalid_request', `${param} must be an object`, { param })
  const m = message as Record<string, unknown>
  if (typeof m['role'] !== 'string' || m['role'] === '')
    throw new RouterError('invalid_request', `${param}.role must be a non-empty string`, {
      param: `${param}.role`,
    })
  const content = m['content']
  if (content === undefined || content === null || typeof content === 'string') return
  if (!Array.isArray(content))
    throw new RouterError('invalid_request', `${param}.content must be a string or an array`, {
      param: `${param}.content`,
    })
  content.forEach((part, j) => {
    if (
      part === null ||
      typeof part !== 'object' ||
      typeof (part as { type?: unknown }).type !== 'string'
    )
      throw new RouterError(
        'invalid_request',
        `${param}.content[${j}] must be an object with a type`,
        {
          param: `${param}.content[${j}]`,
        },
      )
  })
}

function describe(raw: Buffer, body: ChatCompletionBody, model: string): ParsedChatRequest {
  let userText = ''
  let lastUserIndex = -1
  let hasContentParts = false
  let userTurns = 0
  let assistantTurns = 0
  const nonUserTexts: string[] = []
  const userTexts: string[] = []
  body.messages.forEach((m, i) => {
    if (Array.isArray(m.content)) hasContentParts = true
    if (m.role === 'user') {
      userTurns++
      userTexts.push(messageText(m))
      lastUserIndex = i
    } else if (m.role === 'system' || m.role === 'assistant') {
      if (m.role === 'assistant') assistantTurns++
      const text = messageText(m)
      if (text !== '') nonUserTexts.push(text)
    }
  })
  if (lastUserIndex >= 0) userText = userTexts[userTexts.length - 1] ?? ''
  return {
    raw,
    body,
    model,
    stream: body.stream === true,
    userText,
    nonUserTexts,
    earlierUserTexts: userTexts.slice(0, -1),
    multiTurn: userTurns > 1 || assistantTurns > 0,
    hasContentParts,
  }
}
