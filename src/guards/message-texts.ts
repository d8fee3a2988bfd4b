/**
 * The texts a guard scans in a chat request: every message that can carry an attack or personal
 * data — user, system, developer, assistant and tool/function results (tool output is where indirect
 * prompt injection arrives). Upstream scanned the last user message plus system and assistant
 * messages; we also scan earlier user turns (a client can fabricate history) and tool results.
 * Text parts of array content are joined with a space; images and audio are not text.
 */
import { messageText } from '../openai/parse.js'
import type { ChatCompletionBody } from '../openai/types.js'

export interface ScannedText {
  readonly index: number
  readonly role: string
  readonly text: string
}

export function scannableTexts(body: ChatCompletionBody): ScannedText[] {
  const out: ScannedText[] = []
  body.messages.forEach((message, index) => {
    const text = messageText(message)
    if (text.trim() !== '') out.push({ index, role: message.role, text })
  })
  return out
}
