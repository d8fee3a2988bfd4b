/**
 * Caller identity headers: the v0.3 authz user id and groups headers (`x-authz-user-id`,
 * `x-authz-user-groups`, or the names `global.services.authz.identity` sets) and the cache
 * partition's tenant header (`security.cache_partition.tenant_header`). They say who the caller
 * is, so the endpoint must not get a client's copies: a backend (or a proxy behind the router)
 * that believes them would let any client name itself. They are removed from what is forwarded,
 * on both transports, unless `pipeline.identity_headers.forward` is on, this transport believes
 * them (an authenticating proxy such as Envoy's ext_authz sets them and removes the client's
 * copies) and the router did not check the caller itself (with `security.auth`, the router's key
 * is the identity and a client's headers are only a claim). See docs/security.md.
 */
import type { RouterConfig } from '../config/schema/index.js'
import { identitySettings } from '../signals/identity.js'
import type { RequestMeta, Transport } from './types.js'

export interface IdentityHeaderPolicy {
  readonly names: readonly string[]
  readonly trusted: Readonly<Record<Transport, boolean>>
  readonly forward: boolean
}

export function identityHeaderPolicy(config: RouterConfig): IdentityHeaderPolicy {
  const identity = identitySettings(config)
  const names = new Set([
    identity.userIdHeader.toLowerCase(),
    identity.userGroupsHeader.toLowerCase(),
    config.security.cache_partition.tenant_header,
  ])
  return {
    names: [...names],
    trusted: identity.trusted,
    forward: config.pipeline.identity_headers.forward,
  }
}

/** The identity headers of this request the endpoint must not get (present ones only). */
export function identityHeadersToRemove(
  policy: IdentityHeaderPolicy,
  meta: Pick<RequestMeta, 'transport' | 'headers' | 'caller'>,
): readonly string[] {
  const keep = policy.forward && policy.trusted[meta.transport] && meta.caller?.source !== 'key'
  if (keep) return NONE
  // Runs for every request, which seldom carries any: no array (or closure) unless one is present.
  let present: string[] | undefined
  for (const name of policy.names) if (meta.headers[name] !== undefined) (present ??= []).push(name)
  return present ?? NONE
}

const NONE: readonly string[] = Object.freeze([])
