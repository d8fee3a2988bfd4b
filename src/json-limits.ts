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

/** Whether `value` nests deeper than `limit` (iterative: no recursion on hostile input). */
export function depthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]]
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!
    if (node === null || typeof node !== 'object') continue
    if (depth > limit) return true
    const children = Array.isArray(node) ? node : Object.values(node)
    for (const child of children)
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1])
  }
  return false
}
