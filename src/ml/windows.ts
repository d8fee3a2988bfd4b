/**
 * The long-input rule. A text is tokenised once, without special tokens; its content tokens are then
 * cut into windows that fit the model (maxLength minus the model's own special tokens), and each
 * window gets the model's prefix/suffix special tokens back.
 *
 * - `truncate`: only the first window is used (the head of the text), as sentence-transformers and
 *   upstream's category path do. Used for category classification and embeddings.
 * - `chunk`: windows of `size` tokens every `size - overlap` tokens until the text is covered, so
 *   no token goes unscanned (upstream bug #3204 scanned only the first 512). Used by the guards.
 *   More than `maxChunks` windows is refused with `input_too_long` rather than silently skipped.
 */
import { RouterError } from '../errors.js'

export type LongInputMode = 'truncate' | 'chunk'

export interface Tokenised {
  /** Content token ids, special tokens excluded. */
  readonly ids: readonly number[]
  /** Character [start, end) of each content token in the original text. */
  readonly offsets: readonly (readonly [number, number])[]
}

export interface Window {
  readonly ids: number[]
  /** Offsets per position; special tokens get null. */
  readonly offsets: (readonly [number, number] | null)[]
  /** Index of the window's first content token within the whole text. */
  readonly contentStart: number
  readonly contentLength: number
}

export interface WindowRule {
  readonly mode: LongInputMode
  readonly maxLength: number
  readonly prefix: readonly number[]
  readonly suffix: readonly number[]
  /** Tokens shared by neighbouring windows in `chunk` mode. */
  readonly overlap: number
  readonly maxChunks: number
}

export function contentCapacity(rule: WindowRule): number {
  return Math.max(1, rule.maxLength - rule.prefix.length - rule.suffix.length)
}

export function makeWindows(tokens: Tokenised, rule: WindowRule): Window[] {
  const size = contentCapacity(rule)
  const total = tokens.ids.length
  const build = (start: number): Window => {
    const end = Math.min(total, start + size)
    return {
      ids: [...rule.prefix, ...tokens.ids.slice(start, end), ...rule.suffix],
      offsets: [
        ...rule.prefix.map(() => null),
        ...tokens.offsets.slice(start, end),
        ...rule.suffix.map(() => null),
      ],
      contentStart: start,
      contentLength: end - start,
    }
  }
  if (rule.mode === 'truncate' || total <= size) return [build(0)]
  const step = Math.max(1, size - Math.min(rule.overlap, size - 1))
  const count = Math.ceil((total - size) / step) + 1
  if (rule.maxChunks > 0 && count > rule.maxChunks) {
    throw new RouterError(
      'input_too_long',
      `input needs ${count} windows of ${size} tokens to scan completely; the limit is inference.max_chunks = ${rule.maxChunks}`,
    )
  }
  const windows: Window[] = []
  for (let i = 0; i < count; i++) windows.push(build(Math.min(i * step, total - size)))
  return windows
}

/**
 * For overlapping windows, which window decides a content position: the one where the position is
 * furthest from a window edge (most context on both sides).
 */
export function ownerWindow(windows: readonly Window[], position: number): number {
  let best = 0
  let bestMargin = -1
  windows.forEach((w, i) => {
    const rel = position - w.contentStart
    if (rel < 0 || rel >= w.contentLength) return
    const margin = Math.min(rel, w.contentLength - 1 - rel)
    if (margin > bestMargin) {
      bestMargin = margin
      best = i
    }
  })
  return best
}
