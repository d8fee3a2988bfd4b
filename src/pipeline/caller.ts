/**
 * Who is calling: derived once per request by the request edge (both transports) and by the
 * classification API, carried on `RequestMeta.caller`, read by the pipeline (model authorisation,
 * cache partitions, limits). With `security.auth` on, the caller is the API key presented
 * (`Authorization: Bearer <key>` or `x-api-key`) and a request without a valid key is refused;
 * without it, the router cannot know callers, so it keeps them apart by what they present to the
 * upstream: a hash of the `Authorization` header (with `OpenAI-Organization` / `OpenAI-Project`),
 * so a cached answer is never served to a caller who would not have received it upstream.
 * See docs/security.md.
 */
import { createHash } from 'node:crypto'
import type { ApiKeyRecord } from '../config/api-keys.js'
import { RouterError } from '../errors.js'

export interface CallerIdentity {
  /** `key`: an API key the router checked; `authorization`: an unchecked header; or neither. */
  readonly source: 'key' | 'authorization' | 'anonymous'
  /**
   * Opaque and stable: `key:<id>`, `auth:<32 hex of sha256>` or `anonymous`. Fine as a state-store
   * or cache-partition key; never a metric label (unbounded without auth) and never the key itself.
   */
  readonly principal: string
  /** The key's id (source `key`). */
  readonly keyId?: string
  /** The key's tenant, when it has one. */
  readonly tenant?: string
  /** May call admin routes. */
  readonly admin: boolean
  /** Models the key may ask for; undefined = every model. */
  readonly models?: ReadonlySet<string>
}

export const ANONYMOUS: CallerIdentity = {
  source: 'anonymous',
  principal: 'anonymous',
  admin: false,
}

/** Whether the caller may use `model` (the asked-for or the routed one). */
export function modelAllowed(caller: CallerIdentity, model: string): boolean {
  return caller.models === undefined || caller.models.has(model)
}

/** Header names a caller presents credentials in (removed upstream when the router checks them). */
export const CREDENTIAL_HEADERS = ['authorization', 'x-api-key'] as const

/** Looks up a presented key (the configured key ring). */
export interface KeyLookup {
  lookup(key: string): ApiKeyRecord | undefined
}

export interface CallerSettings {
  /** The keys to check, when this listener requires a key; undefined = auth off here. */
  readonly keys: KeyLookup | undefined
}

/** The key a request presents, if any. */
export function presentedKey(headers: Readonly<Record<string, string>>): string | undefined {
  const auth = headers['authorization']
  if (auth !== undefined) {
    const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(auth)
    if (match) return match[1]
  }
  const apiKey = headers['x-api-key']?.trim()
  return apiKey === undefined || apiKey === '' ? undefined : apiKey
}

/** The caller of a request, or the error refusing it (401). */
export function identifyCaller(
  headers: Readonly<Record<string, string>>,
  settings: CallerSettings,
): CallerIdentity | RouterError {
  if (settings.keys !== undefined) {
    const key = presentedKey(headers)
    if (key === undefined) return new RouterError('authentication_required')
    const record = settings.keys.lookup(key)
    if (record === undefined) return new RouterError('invalid_api_key')
    return {
      source: 'key',
      principal: `key:${record.id}`,
      keyId: record.id,
      ...(record.tenant === undefined ? {} : { tenant: record.tenant }),
      admin: record.admin,
      ...(record.models === undefined ? {} : { models: record.models }),
    }
  }
  const authorization = headers['authorization'] ?? headers['x-api-key']
  if (authorization === undefined) return ANONYMOUS
  const digest = createHash('sha256')
    .update(authorization)
    .update('\0')
    .update(headers['openai-organization'] ?? '')
    .update('\0')
    .update(headers['openai-project'] ?? '')
    .digest('hex')
    .slice(0, 32)
  return { source: 'authorization', principal: `auth:${digest}`, admin: false }
}
