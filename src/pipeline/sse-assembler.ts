/**
 * Incremental parser for an OpenAI chat-completion SSE stream. Fed raw chunks as they pass through
 * (chunk boundaries anywhere, even inside a UTF-8 character or a line), it finds the first content
 * token (for TTFT), the usage block (vLLM sends it in the last chunk when asked), and assembles
 * the completion so it can be cached and replayed. Memory is bounded by `maxBytes`.
 */
import { StringDecoder } from 'node:string_decoder'
import type { Usage } from '../openai/types.js'
import type { AssembledCompletion } from './types.js'

export class SseAssembler {
  private readonly decoder = new StringDecoder('utf8')
  private pending = ''
  private content = ''
  private reasoning = ''
  private id = ''
  private model = ''
  private created = 0
  private finishReason: string | null = null
  /** A choice reported why it finished (`finish_reason`): the answer is complete. */
  get finished(): boolean {
    return this.finishReason !== null
  }
  private assembledBytes = 0
  private readonly maxBytes: number
  usage: Usage | undefined
  /** performance.now() of the first chunk that carried content or reasoning. */
  firstTokenAt: number | undefined
  sawDone = false
  /** True once the assembled text would exceed maxBytes (assembly stops; parsing continues). */
  truncated = false
  malformedEvents = 0

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes
  }

  push(chunk: Buffer): void {
    this.pending += this.decoder.write(chunk)
    let newline = this.pending.indexOf('\n')
    while (newline !== -1) {
      const line = this.pending.slice(0, newline).replace(/\r$/, '')
      this.pending = this.pending.slice(newline + 1)
      this.line(line)
      newline = this.pending.indexOf('\n')
    }
    // A single line larger than the limit is not an SSE stream we can use.
    if (this.pending.length > this.maxBytes) {
      this.pending = ''
      this.truncated = true
    }
  }

  end(): void {
    this.pending += this.decoder.end()
    if (this.pending !== '') this.line(this.pending)
    this.pending = ''
  }

  private line(line: string): void {
    if (!line.startsWith('data:')) return
    const data = line.slice(5).trim()
    if (data === '[DONE]') {
      this.sawDone = true
      return
    }
    if (data === '') return
    let event: unknown
    try {
      event = JSON.parse(data)
    } catch {
      this.malformedEvents++
      return
    }
    this.event(event as StreamEvent)
  }

  private event(e: StreamEvent): void {
    if (typeof e.id === 'string' && this.id === '') this.id = e.id
    if (typeof e.model === 'string' && this.model === '') this.model = e.model
    if (typeof e.created === 'number' && this.created === 0) this.created = e.created
    if (e.usage && typeof e.usage.prompt_tokens === 'number') this.usage = normaliseUsage(e.usage)
    const choice = Array.isArray(e.choices) ? e.choices[0] : undefined
    if (!choice) return
    const delta = choice.delta ?? {}
    const text = typeof delta.content === 'string' ? delta.content : ''
    const thought = typeof delta.reasoning_content === 'string' ? delta.reasoning_content : ''
    if ((text !== '' || thought !== '') && this.firstTokenAt === undefined)
      this.firstTokenAt = performance.now()
    if (!this.truncated) {
      this.assembledBytes += text.length + thought.length
      if (this.assembledBytes > this.maxBytes) this.truncated = true
      else {
        this.content += text
        this.reasoning += thought
      }
    }
    if (typeof choice.finish_reason === 'string') this.finishReason = choice.finish_reason
  }

  /** The completion, or undefined when the stream was cut, malformed or too large. */
  result(): AssembledCompletion | undefined {
    if (!this.sawDone || this.truncated || this.id === '') return undefined
    return {
      id: this.id,
      model: this.model,
      created: this.created,
      content: this.content,
      reasoningContent: this.reasoning,
      finishReason: this.finishReason,
      ...(this.usage ? { usage: this.usage } : {}),
    }
  }
}

interface StreamEvent {
  id?: unknown
  model?: unknown
  created?: unknown
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown; total_tokens?: unknown } | null
  choices?: {
    delta?: { content?: unknown; reasoning_content?: unknown }
    finish_reason?: unknown
  }[]
}

export function normaliseUsage(u: {
  prompt_tokens?: unknown
  completion_tokens?: unknown
  total_tokens?: unknown
}): Usage {
  const prompt = typeof u.prompt_tokens === 'number' ? u.prompt_tokens : 0
  const completion = typeof u.completion_tokens === 'number' ? u.completion_tokens : 0
  const total = typeof u.total_tokens === 'number' ? u.total_tokens : prompt + completion
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total }
}
