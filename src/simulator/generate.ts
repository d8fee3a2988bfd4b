/**
 * What a simulated model says: whether it reasons (from the request's reasoning fields), how many
 * tokens it produces, and the text itself. Output is deterministic for a given model and prompt,
 * so repeated requests give identical answers (useful for cache tests). One word = one token.
 */
import { hashString } from '../seeded-random.js'
import type { ModelBehaviour } from './behaviour.js'

export type Effort = 'low' | 'medium' | 'high'

export interface ReasoningDecision {
  readonly on: boolean
  readonly effort: Effort | undefined
  /** Which request field decided it (for logs and the debug API). */
  readonly source: string
}

const EFFORT_MULTIPLIER: Record<Effort, number> = { low: 1, medium: 2, high: 4 }

function effortOf(value: unknown): Effort | 'none' | undefined {
  if (typeof value !== 'string') return undefined
  switch (value.toLowerCase()) {
    case 'none':
      return 'none'
    case 'minimal':
    case 'low':
      return 'low'
    case 'medium':
      return 'medium'
    case 'high':
    case 'xhigh':
      return 'high'
    default:
      return 'medium'
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Reads the reasoning switches vLLM chat templates understand: `chat_template_kwargs.enable_thinking`
 * (Qwen3), `chat_template_kwargs.thinking` (DeepSeek), `reasoning_effort` at the top level or in
 * `chat_template_kwargs` (gpt-oss), and DeepSeek's API form `thinking: {type: enabled|disabled}`.
 * An explicit `false` (or effort `none`) wins over anything else.
 */
export function decideReasoning(
  body: Record<string, unknown>,
  supported: boolean,
): ReasoningDecision {
  if (!supported) return { on: false, effort: undefined, source: 'model_without_reasoning' }
  const kwargs = isRecord(body['chat_template_kwargs']) ? body['chat_template_kwargs'] : {}
  const flags: [string, unknown][] = [
    ['chat_template_kwargs.enable_thinking', kwargs['enable_thinking']],
    ['chat_template_kwargs.thinking', kwargs['thinking']],
  ]
  const thinking = body['thinking']
  if (isRecord(thinking) && typeof thinking['type'] === 'string') {
    flags.push(['thinking.type', thinking['type'] === 'enabled'])
  }
  const effortField = body['reasoning_effort'] ?? kwargs['reasoning_effort']
  const effort = effortOf(effortField)
  const off = flags.find(([, v]) => v === false)
  if (off) return { on: false, effort: undefined, source: off[0] }
  if (effort === 'none') return { on: false, effort: undefined, source: 'reasoning_effort' }
  const on = flags.find(([, v]) => v === true)
  if (on) return { on: true, effort: effort ?? 'medium', source: on[0] }
  if (effort !== undefined) return { on: true, effort, source: 'reasoning_effort' }
  return { on: false, effort: undefined, source: 'default_off' }
}

export function reasoningTokenCount(
  behaviour: ModelBehaviour,
  decision: ReasoningDecision,
): number {
  if (!decision.on) return 0
  return behaviour.reasoningTokens * EFFORT_MULTIPLIER[decision.effort ?? 'medium']
}

/** Plain text of a message's content (string, or the text parts of an array). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .map((part: unknown) =>
      isRecord(part) && typeof part['text'] === 'string' ? part['text'] : '',
    )
    .filter((t) => t !== '')
    .join(' ')
}

/** Approximate prompt tokens like a BPE tokenizer would: ~4 characters a token, +4 per message. */
export function countPromptTokens(messages: readonly Record<string, unknown>[]): number {
  let total = 2
  for (const message of messages) total += 4 + Math.ceil(contentText(message['content']).length / 4)
  return total
}

/** Split text into tokens that concatenate back to the text (a word with its leading space). */
export function splitTokens(text: string): string[] {
  return text.match(/\s*\S+/g) ?? []
}

const WORDS = (
  'the a model router token stream answer category reasoning request latency cache vector ' +
  'prompt context signal score weight endpoint budget policy result value step check measure ' +
  'estimate compare consider therefore because which option first next then finally data ' +
  'simple clear small large fast slow good better best likely correct result sample test'
).split(' ')

function fillerTokens(prefix: string, count: number, seed: number): string[] {
  const out = splitTokens(prefix).slice(0, count)
  let state = seed || 1
  while (out.length < count) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    out.push(` ${WORDS[state % WORDS.length]}`)
  }
  return out
}

export interface OutputPlan {
  readonly reasoning: readonly string[]
  readonly content: readonly string[]
  readonly finishReason: 'stop' | 'length'
}

export interface PlanInput {
  readonly model: string
  readonly promptText: string
  readonly behaviour: ModelBehaviour
  readonly reasoning: ReasoningDecision
  /** `max_completion_tokens` ?? `max_tokens`, when the request set one. */
  readonly maxTokens: number | undefined
  /** Content chosen by a responder (e.g. the quiz); filler text otherwise. */
  readonly content?: string | undefined
}

/** Reasoning first (as real reasoning models do), then content, both capped by max_tokens. */
export function planOutput(input: PlanInput): OutputPlan {
  const seed = hashString(`${input.model}\n${input.promptText}`)
  const wantReasoning = reasoningTokenCount(input.behaviour, input.reasoning)
  const reasoningPrefix = `Simulated reasoning by ${input.model} (semantic-router simulator):`
  let reasoning = fillerTokens(reasoningPrefix, wantReasoning, seed ^ 0x5bd1e995)
  let content =
    input.content !== undefined
      ? splitTokens(input.content)
      : fillerTokens(
          `Simulated answer from ${input.model} (semantic-router simulator):`,
          input.behaviour.outputTokens,
          seed,
        )
  const budget = input.maxTokens
  let finishReason: 'stop' | 'length' = 'stop'
  if (budget !== undefined && reasoning.length + content.length > budget) {
    finishReason = 'length'
    reasoning = reasoning.slice(0, budget)
    content = content.slice(0, Math.max(0, budget - reasoning.length))
  }
  return { reasoning, content, finishReason }
}
