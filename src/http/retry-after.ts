/**
 * `Retry-After` (RFC 9110 §10.2.3) as both transports and the endpoint health state read it: the
 * gateway's backoff before trying the same endpoint again, and the cool-down an endpoint that
 * answered 429/503 with it gets.
 */

/** `Retry-After` in ms: delta-seconds or an HTTP date; undefined when unreadable. */
export function parseRetryAfter(value: string, nowMs = Date.now()): number | undefined {
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  const at = Date.parse(trimmed)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}
