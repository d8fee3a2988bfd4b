/**
 * `metadata`: the request body's top-level `metadata` object (string values), tested with
 * `equals` / `in` / `exists`. Upstream's limits hold: at most 32 entries, keys of 1-128 bytes,
 * values up to 1024 bytes, strings only; breaking them is a request error. Metadata is the
 * caller's word: route on it (cohorts, canaries), never authorise with it.
 */
import { RouterError } from '../errors.js'
import { metadataSignalSchema } from '../config/schema/v03/signals.js'
import type { z } from 'zod'
import { testString } from './predicates.js'
import type { SignalPlugin } from './types.js'

type MetadataRule = z.output<typeof metadataSignalSchema>

const MAX_ENTRIES = 32
const MAX_KEY_BYTES = 128
const MAX_VALUE_BYTES = 1024

/** The body's metadata as a string map; throws invalid_request when it breaks the limits. */
export function requestMetadata(body: Record<string, unknown>): Map<string, string> {
  const raw = body['metadata']
  const out = new Map<string, string>()
  if (raw === undefined || raw === null) return out
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new RouterError('invalid_request', 'metadata must be an object of strings', {
      param: 'metadata',
    })
  const entries = Object.entries(raw as Record<string, unknown>)
  if (entries.length > MAX_ENTRIES)
    throw new RouterError('invalid_request', `metadata may have at most ${MAX_ENTRIES} entries`, {
      param: 'metadata',
    })
  for (const [key, value] of entries) {
    const keyBytes = Buffer.byteLength(key)
    if (keyBytes === 0 || keyBytes > MAX_KEY_BYTES || typeof value !== 'string')
      throw new RouterError(
        'invalid_request',
        `metadata keys must be 1-${MAX_KEY_BYTES} bytes with string values`,
        { param: 'metadata' },
      )
    if (Buffer.byteLength(value) > MAX_VALUE_BYTES)
      throw new RouterError(
        'invalid_request',
        `metadata values may be at most ${MAX_VALUE_BYTES} bytes`,
        { param: 'metadata' },
      )
    out.set(key, value)
  }
  return out
}

export const metadataSignal: SignalPlugin<MetadataRule> = {
  kind: 'metadata',
  family: 'metadata',
  cost: 'cheap',
  description: 'a key of the request body metadata object (equals / in / exists)',
  optionsSchema: metadataSignalSchema,
  create(_ctx, rules) {
    return {
      evaluate(input) {
        const metadata = requestMetadata(input.request.body)
        const matches = new Map<string, number>()
        for (const r of rules)
          if (testString(r.predicate, metadata.get(r.key))) matches.set(r.name.toLowerCase(), 1)
        return { matches }
      },
    }
  },
}
