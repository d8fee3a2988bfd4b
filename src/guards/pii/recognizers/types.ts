/** A PII recognizer finds one or more entity types in a text with its own evidence rules. */
import type { PiiEntity } from '../../types.js'

export interface Recognizer {
  readonly name: string
  readonly types: readonly string[]
  find(text: string): PiiEntity[]
}

/** Lower-cased text just before `index` (for context words such as "SSN" or "version"). */
export function before(text: string, index: number, chars = 30): string {
  return text.slice(Math.max(0, index - chars), index).toLowerCase()
}

export function entity(
  type: string,
  text: string,
  start: number,
  end: number,
  confidence: number,
  source: string,
): PiiEntity {
  return { type, start, end, value: text.slice(start, end), confidence, source }
}
