/**
 * Request-id rules for every listener: a client's `x-request-id` is echoed (and forwarded) only when
 * it is short and printable, with nothing that could split a log line or a header; otherwise the
 * router assigns its own (a UUID).
 */
import { randomUUID } from 'node:crypto'

export const REQUEST_ID_HEADER = 'x-request-id'

/** A client request id we are willing to echo: short, printable, no separators that break logs. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/

export function acceptableRequestId(
  value: string | readonly string[] | undefined,
): string | undefined {
  return typeof value === 'string' && SAFE_REQUEST_ID.test(value) ? value : undefined
}

export interface RequestId {
  readonly id: string
  /** The client's id was missing or refused: `id` is ours and must replace theirs downstream. */
  readonly assigned: boolean
}

/** The id this request is known by: the client's when acceptable, else a new UUID. */
export function requestIdFrom(value: string | readonly string[] | undefined): RequestId {
  const accepted = acceptableRequestId(value)
  return accepted === undefined
    ? { id: randomUUID(), assigned: true }
    : { id: accepted, assigned: false }
}
