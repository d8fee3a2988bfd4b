/**
 * A decision's system prompt injection (classic categories compile to a decision `system_prompt`
 * plugin: src/decisions/compile-classic.ts). `replace` overwrites an existing first system message;
 * `insert` puts the category prompt before the existing text (separated by a blank line). With no
 * system message, one is prepended. Array-form system content gets the prompt as its first text part
 * (upstream handled string content only).
 */
import type { ChatMessage, ContentPart } from '../openai/types.js'

/** Mutates `messages`; returns true when a prompt was injected. */
export function injectSystemPrompt(
  messages: ChatMessage[],
  plugin: { readonly prompt: string; readonly mode: 'insert' | 'replace' },
): boolean {
  const prompt = plugin.prompt
  if (prompt === '') return false
  const first = messages[0]
  if (first?.role !== 'system') {
    messages.unshift({ role: 'system', content: prompt })
    return true
  }
  if (plugin.mode === 'replace') {
    first.content = prompt
    return true
  }
  const content = first.content
  if (Array.isArray(content)) {
    const part: ContentPart = { type: 'text', text: prompt }
    first.content = [part, ...content]
  } else {
    const existing = typeof content === 'string' ? content : ''
    first.content = existing === '' ? prompt : `${prompt}\n\n${existing}`
  }
  return true
}
