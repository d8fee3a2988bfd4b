/**
 * JSON from clients, parsed safely: nesting is bounded (a body of ~4,000 nested arrays parses, but
 * serialising or walking it recursively overflows the stack later — 500 instead of 400), and a
 * syntax error never echoes the text (V8's messages quote a snippet of the body, i.e. the prompt).
 * Both transports' chat parser and every JSON API body come through here.
 */
import { RouterError } from './errors.js'

/** Deepest nesting of objects and arrays a request body may have (tool schemas included). */
export const MAX_JSON_DEPTH = 100

/** JSON.parse with a depth limit and an error that names the position, never the text. */
export function parseClientJson(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    const at = /position (\d+)/.exec((err as Error).message)?.[1]
    throw new RouterError(
      'invalid_json',
      `Request body is not valid JSON${at === undefined ? '' : ` (at byte ${at})`}`,
    )
  }
  if (depthExceeds(value, maxDepth))
    throw new RouterError(
      'invalid_json',
      `Request body nests objects and arrays deeper than ${maxDepth} levels`,
    )
  return value
}

/**
 * Whether `value` nests deeper than `limit`. Recursive, but never deeper than `limit` + 1 frames
 * (it stops there), so hostile input cannot overflow the stack; no per-node allocation (this runs
 * on every chat request).
 */
export function depthExceeds(value: unknown, limit: number): boolean {
  return deeper(value, 1, limit)
}

function deeper(node: unknown, depth: number, limit: number): boolean {
  if (node === null || typeof node !== 'object') return false
  if (depth > limit) return true
  if (Array.isArray(node)) {
    for (const child of node as unknown[]) if (deeper(child, depth + 1, limit)) return true
    return false
  }
  const record = node as Record<string, unknown>
  for (const key in record) if (deeper(record[key], depth + 1, limit)) return true
  return false
}
