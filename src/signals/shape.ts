/**
 * `structure` and `conversation` (upstream's shape signals): numbers measured on the request,
 * compared with the rule's predicate (`gt`, `gte`, `lt`, `lte`; without one, the value must be
 * above 0).
 *  - structure, on the current user message: a regex's match count, occurrences of a keyword
 *    set, whether a sequence of markers appears in order, or the UTF-8 size; `density` divides a
 *    count by the number of text units (words, and each CJK character).
 *  - conversation, on the whole chat: messages by role (`non_user`: every other role), tool
 *    definitions, assistant tool calls, completed tool cycles, an open tool loop (the last message
 *    is a tool result), image parts.
 */
import { conversationSignalSchema, structureSignalSchema } from '../config/schema/v03/signals.js'
import type { NumericPredicate } from '../config/schema/v03/rules.js'
import type { ChatMessage, ParsedChatRequest } from '../openai/types.js'
import type { z } from 'zod'
import type { SignalInput, SignalPlugin } from './types.js'

type StructureRule = z.output<typeof structureSignalSchema>
type ConversationRule = z.output<typeof conversationSignalSchema>

export function holds(predicate: NumericPredicate | undefined, value: number): boolean {
  if (!predicate) return value > 0
  return (
    (predicate.gt === undefined || value > predicate.gt) &&
    (predicate.gte === undefined || value >= predicate.gte) &&
    (predicate.lt === undefined || value < predicate.lt) &&
    (predicate.lte === undefined || value <= predicate.lte)
  )
}

/** Go's leading inline flags (`(?m)`, `(?i)`, `(?s)`) become JavaScript flags. */
export function goRegex(pattern: string, caseSensitive: boolean): RegExp {
  const m = /^\(\?([imsU]+)\)/.exec(pattern)
  const inline = m?.[1] ?? ''
  const flags = new Set(['g', 'u'])
  if (!caseSensitive || inline.includes('i')) flags.add('i')
  if (inline.includes('m')) flags.add('m')
  if (inline.includes('s')) flags.add('s')
  return new RegExp(m ? pattern.slice(m[0].length) : pattern, [...flags].join(''))
}

const CJK = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/gu
function textUnits(text: string): number {
  const cjk = text.match(CJK)?.length ?? 0
  const words = text
    .replace(CJK, ' ')
    .split(/\s+/u)
    .filter((w) => w !== '').length
  return Math.max(1, words + cjk)
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

function structureValue(rule: StructureRule, text: string): number {
  const { feature } = rule
  const source = feature.source
  const folded = source.case_sensitive ? text : text.toLowerCase()
  let count: number
  switch (source.type) {
    case 'text_bytes':
      count = Buffer.byteLength(text)
      break
    case 'regex':
      count = source.pattern
        ? (text.match(goRegex(source.pattern, source.case_sensitive))?.length ?? 0)
        : 0
      break
    case 'keyword_set':
      count = (source.keywords ?? []).reduce((n, k) => {
        const key = source.case_sensitive ? k : k.toLowerCase()
        return n + (folded.match(new RegExp(escape(key), 'gu'))?.length ?? 0)
      }, 0)
      break
    case 'sequence':
      count = (source.sequences ?? []).some((seq) => {
        let at = 0
        for (const marker of seq) {
          const i = folded.indexOf(source.case_sensitive ? marker : marker.toLowerCase(), at)
          if (i < 0) return false
          at = i + marker.length
        }
        return true
      })
        ? 1
        : 0
  }
  if (feature.type === 'density') return count / textUnits(text)
  if (feature.type === 'exists' || feature.type === 'sequence') return count > 0 ? 1 : 0
  return count
}

const hasToolCalls = (m: ChatMessage) =>
  Array.isArray(m['tool_calls']) && m['tool_calls'].length > 0

function conversationValue(rule: ConversationRule, request: ParsedChatRequest): number {
  const messages = request.body.messages
  const { source } = rule.feature
  let value: number
  switch (source.type) {
    case 'message':
      value = messages.filter((m) =>
        source.role === undefined
          ? true
          : source.role === 'non_user'
            ? m.role !== 'user'
            : m.role === source.role,
      ).length
      break
    case 'tool_definition':
      value = request.body.tools?.length ?? 0
      break
    case 'assistant_tool_call':
      value = messages.filter((m) => m.role === 'assistant' && hasToolCalls(m)).length
      break
    case 'assistant_tool_cycle':
      value = messages.filter(
        (m, i) => m.role === 'assistant' && hasToolCalls(m) && messages[i + 1]?.role === 'tool',
      ).length
      break
    case 'active_tool_loop':
      value = messages.at(-1)?.role === 'tool' ? 1 : 0
      break
    case 'image_content':
      value = messages.reduce(
        (n, m) =>
          n +
          (Array.isArray(m.content) ? m.content.filter((p) => p.type === 'image_url').length : 0),
        0,
      )
  }
  return rule.feature.type === 'exists' ? (value > 0 ? 1 : 0) : value
}

/** A signal whose rules compare one measured number with their predicate. */
function measured<
  R extends { name: string; feature: { type: string }; predicate?: NumericPredicate | undefined },
>(
  plugin: Omit<SignalPlugin<R>, 'cost' | 'create'>,
  measure: (rule: R, input: SignalInput) => number,
): SignalPlugin<R> {
  return {
    ...plugin,
    cost: 'cheap',
    create(_ctx, rules) {
      return {
        evaluate(input) {
          const matches = new Map<string, number>()
          for (const r of rules)
            if (holds(r.feature.type === 'exists' ? undefined : r.predicate, measure(r, input)))
              matches.set(r.name, 1)
          return { matches }
        },
      }
    },
  }
}

export const structureSignal = measured<StructureRule>(
  {
    kind: 'structure',
    family: 'structure',
    description: 'counts, densities, sequences or size of the current message against a predicate',
    optionsSchema: structureSignalSchema,
  },
  (rule, input) => structureValue(rule, input.text),
)

export const conversationSignal = measured<ConversationRule>(
  {
    kind: 'conversation',
    family: 'conversation',
    description: 'messages by role, tools, tool calls and images in the whole chat',
    optionsSchema: conversationSignalSchema,
  },
  (rule, input) => conversationValue(rule, input.request),
)
