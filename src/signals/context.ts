/**
 * `context`: the request's size in tokens, estimated as upstream does — ceil(UTF-8 bytes / 4) over
 * the text of every message — against `min_tokens <= tokens <= max_tokens`. Without `max_tokens` a
 * rule never matches (upstream's rule; the loader warns).
 */
import { messageText } from '../openai/parse.js'
import type { ParsedChatRequest } from '../openai/types.js'
import { contextSignalSchema } from '../config/schema/v03/signals.js'
import type { z } from 'zod'
import { parseTokenCount } from './predicates.js'
import type { SignalPlugin } from './types.js'

type ContextRule = z.output<typeof contextSignalSchema>

export function estimateTokens(request: ParsedChatRequest): number {
  let bytes = 0
  for (const message of request.body.messages) bytes += Buffer.byteLength(messageText(message))
  return Math.ceil(bytes / 4)
}

export const contextSignal: SignalPlugin<ContextRule> = {
  kind: 'context',
  family: 'context',
  cost: 'cheap',
  description: 'estimated prompt tokens within [min_tokens, max_tokens]',
  optionsSchema: contextSignalSchema,
  create(_ctx, rules) {
    const ranges = rules.map((r) => ({
      name: r.name,
      min: parseTokenCount(r.min_tokens) ?? 0,
      max: parseTokenCount(r.max_tokens),
    }))
    return {
      evaluate(input) {
        const tokens = estimateTokens(input.request)
        const matches = new Map<string, number>()
        for (const r of ranges)
          if (r.max !== undefined && tokens >= r.min && tokens <= r.max) matches.set(r.name, 1)
        return { matches, evidence: { tokens } }
      },
    }
  },
}
