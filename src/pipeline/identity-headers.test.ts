/**
 * Caller identity headers: never forwarded by default, forwarded only where believed and when the
 * router did not check the caller itself; a checked caller's tenant header is not a way into
 * another tenant's cache partition.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseConfigText } from '../config/load.js'
import type { ChatCompletionBody } from '../openai/types.js'
import type { CallerIdentity } from './caller.js'
import { identityHeaderPolicy, identityHeadersToRemove } from './identity-headers.js'
import { cachePartition } from './modules/cache-partition.js'
import type { RequestMeta, Transport } from './types.js'

const KEYED: CallerIdentity = { source: 'key', principal: 'key:k1', keyId: 'k1', admin: false }
const HEADERS = {
  'x-authz-user-id': 'mallory',
  'x-authz-user-groups': 'admins',
  'x-tenant-id': 'acme',
}

function meta(transport: Transport, caller?: CallerIdentity): RequestMeta {
  return {
    transport,
    headers: { ...HEADERS, 'x-other': '1' },
    ...(caller ? { caller } : {}),
  } as unknown as RequestMeta
}

const policy = (yaml: string) =>
  identityHeaderPolicy(parseConfigText(`default_model: m\n${yaml}`).config)

describe('identity headers sent to the endpoint', () => {
  it('are removed on both transports by default', () => {
    const p = policy('')
    for (const transport of ['gateway', 'extproc'] as const)
      assert.deepEqual([...identityHeadersToRemove(p, meta(transport))].sort(), [
        'x-authz-user-groups',
        'x-authz-user-id',
        'x-tenant-id',
      ])
  })

  it('forward: kept where believed (ext_proc by default), never for a caller the router checked', () => {
    const p = policy('pipeline: { identity_headers: { forward: true } }')
    assert.deepEqual(identityHeadersToRemove(p, meta('extproc')), [])
    assert.equal(identityHeadersToRemove(p, meta('gateway')).length, 3)
    assert.equal(identityHeadersToRemove(p, meta('extproc', KEYED)).length, 3)
  })

  it('follows the configured header names', () => {
    const p = policy('security: { cache_partition: { tenant_header: X-Org } }\n')
    assert.ok(p.names.includes('x-org'))
  })
})

describe('cache partition by tenant', () => {
  const settings = parseConfigText('security: { cache_partition: { by: tenant } }').config.security
    .cache_partition
  const body = { model: 'm', messages: [] } as unknown as ChatCompletionBody
  const withTenant = (tenant: string, caller?: CallerIdentity) =>
    cachePartition(
      {
        headers: { 'x-tenant-id': tenant },
        ...(caller ? { caller } : {}),
      } as unknown as RequestMeta,
      body,
      settings,
    )

  it('believes the tenant header of a caller the router did not check', () => {
    assert.equal(withTenant('acme'), withTenant('acme'))
    assert.notEqual(withTenant('acme'), withTenant('globex'))
  })

  it('ignores it for a checked key without a tenant (its own partition)', () => {
    assert.equal(withTenant('acme', KEYED), withTenant('globex', KEYED))
    assert.notEqual(withTenant('acme', KEYED), withTenant('acme'))
  })
})
