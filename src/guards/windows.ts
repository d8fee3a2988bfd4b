/**
 * Split long text into overlapping windows so that detectors with a bounded context (an ONNX model's
 * max tokens, or rules that need two cues near each other) still see every character. Windows end
 * at whitespace where possible, and consecutive windows overlap so a phrase cut at one boundary is
 * whole in the next window.
 */

export interface TextWindow {
  readonly start: number
  readonly text: string
}

export interface WindowOptions {
  /** Largest window in UTF-16 code units. */
  readonly size: number
  /** Characters shared by consecutive windows; must be smaller than size / 2. */
  readonly overlap: number
}

export function splitWindows(text: string, { size, overlap }: WindowOptions): TextWindow[] {
  if (size <= 0 || overlap < 0 || overlap * 2 >= size)
    throw new RangeError(`bad window options: size ${size}, overlap ${overlap}`)
  if (text.length <= size) return [{ start: 0, text }]
  const windows: TextWindow[] = []
  let start = 0
  while (start < text.length) {
    let end = Math.min(text.length, start + size)
    if (end < text.length) {
      // Prefer to cut at the last whitespace in the final quarter of the window.
      const cut = text.lastIndexOf(' ', end)
      if (cut > start + (size * 3) / 4) end = cut
    }
    windows.push({ start, text: text.slice(start, end) })
    if (end >= text.length) break
    let next = end - overlap
    // Start the next window at a word boundary too, without moving back past the overlap.
    const space = text.indexOf(' ', next)
    if (space !== -1 && space < end) next = space + 1
    start = Math.max(next, start + 1)
  }
  return windows
}
