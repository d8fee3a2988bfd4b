/**
 * Which callers may share a cached answer (and an in-flight request): `security.cache_partition`.
 * The partition is folded into the cache key's exact-match context, so entries and coalescing
 * groups of different partitions never meet, in every backend.
 *
 * - `caller` (default): the authenticated key, else a hash of what the caller presents upstream
 *   (`Authorization`, organisation, project), plus the body's `user`, `metadata` and an
 *   `x-user-id` header: a cached answer only goes to a caller the upstream would have answered.
 * - `tenant`: the key's tenant, else the tenant header, else the caller as above; plus `user`.
 *   A caller the router authenticated (a key without a tenant) is its own partition: the tenant
 *   header is a client's claim then, never a way into another tenant's answers.
 * - `shared`: one partition (deliberately shared public answers).
 */
import { createHash } from 'node:crypto'
import type { SecurityConfig } from '../../config/schema/security.js'
import type { ChatCompletionBody } from '../../openai/types.js'
import type { RequestMeta } from '../types.js'

export function cachePartition(
  meta: RequestMeta,
  body: ChatCompletionBody,
  settings: SecurityConfig['cache_partition'],
): string {
  if (settings.by === 'shared') return ''
  const caller = meta.caller?.principal ?? 'anonymous'
  const owner =
    settings.by === 'tenant'
      ? (meta.caller?.tenant ??
        (meta.caller?.source === 'key' ? undefined : tenantHeader(meta, settings.tenant_header)) ??
        caller)
      : caller
  const parts = [settings.by, owner, typeof body['user'] === 'string' ? body['user'] : '']
  if (settings.by === 'caller') {
    parts.push(meta.headers['x-user-id'] ?? '')
    parts.push(body['metadata'] === undefined ? '' : JSON.stringify(body['metadata']))
  }
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22)
}

function tenantHeader(meta: RequestMeta, name: string): string | undefined {
  const value = meta.headers[name]?.trim()
  return value === undefined || value === '' ? undefined : `tenant:${value}`
}
