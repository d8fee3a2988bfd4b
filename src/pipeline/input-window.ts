/**
 * The bounded window of a prompt the classifiers and the cache's embedding read
 * (`security.input_window.max_chars`): the last characters of the text, where the question
 * usually is. It bounds the classifier work one request can cost, whatever the prompt's size; the
 * guards scan the whole text in bounded slices of their own (`security.scan_slices`).
 */
export function inputWindow(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text
  let start = text.length - maxChars
  // Never begin with the second half of a surrogate pair.
  const code = text.charCodeAt(start)
  if (code >= 0xdc00 && code <= 0xdfff) start++
  return text.slice(start)
}
