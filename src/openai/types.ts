/**
 * The parts of the OpenAI chat-completions wire format the router reads. Bodies are kept as plain
 * JSON objects so that fields we do not know (vLLM extras such as top_k, guided_json) pass through
 * untouched — upstream re-serialised through an SDK struct and dropped them.
 */

export interface TextContentPart {
  type: 'text'
  text: string
}

export type ContentPart = TextContentPart | { type: string; [key: string]: unknown }

export interface ChatMessage {
  role: string
  content?: string | ContentPart[] | null
  [key: string]: unknown
}

/** A chat-completions request body as JSON (only the fields we interpret are typed). */
export interface ChatCompletionBody {
  model: string
  messages: ChatMessage[]
  stream?: boolean
  stream_options?: { include_usage?: boolean; [key: string]: unknown }
  tools?: unknown[]
  tool_choice?: unknown
  reasoning_effort?: string
  chat_template_kwargs?: Record<string, unknown>
  [key: string]: unknown
}

export interface Usage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
}

/** A request after parsing: the original bytes, the JSON object, and the text to classify. */
export interface ParsedChatRequest {
  /** Original body bytes, forwarded unchanged when nothing is mutated. */
  readonly raw: Buffer
  /** Mutable JSON body; modules edit it and the pipeline re-serialises once at the end. */
  readonly body: ChatCompletionBody
  readonly model: string
  readonly stream: boolean
  /** Text of the last user message (text parts joined by a space). */
  readonly userText: string
  /** Texts of system and assistant messages, in order. */
  readonly nonUserTexts: readonly string[]
  /** Texts of earlier user messages, oldest first (for history-aware classification). */
  readonly earlierUserTexts: readonly string[]
  /** More than one user turn, or any assistant turn. */
  readonly multiTurn: boolean
  /** True when any message content used the array form. */
  readonly hasContentParts: boolean
}
