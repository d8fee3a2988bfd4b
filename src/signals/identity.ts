/**
 * The caller's identity as the request context shows it. When the router itself checked the
 * caller's API key (`security.auth`, RequestMeta.caller), that is the identity: the user is the
 * key's id and its tenant is its one group, so `role_bindings` can name tenants (`kind: Group`).
 * Otherwise identity comes from the headers upstream uses — `x-authz-user-id` and
 * `x-authz-user-groups` (comma-separated), or the names `global.services.authz.identity` sets —
 * which an authenticating proxy (Envoy ext_authz) injects after removing the client's copies.
 * They are only believed where such a proxy can stand: on ext_proc by default, on the gateway when
 * `pipeline.identity_headers.gateway` says the gateway sits behind one.
 */
import type { RouterConfig } from '../config/schema/index.js'
import type { Transport } from '../pipeline/types.js'
import type { RequestIdentity } from './types.js'

const NO_GROUPS: readonly string[] = Object.freeze([])
const ANONYMOUS: RequestIdentity = { user: undefined, groups: NO_GROUPS }

export interface IdentitySettings {
  readonly userIdHeader: string
  readonly userGroupsHeader: string
  readonly trusted: Readonly<Record<Transport, boolean>>
}

export function identitySettings(config: RouterConfig): IdentitySettings {
  return {
    userIdHeader: config.v03?.authz.userIdHeader ?? 'x-authz-user-id',
    userGroupsHeader: config.v03?.authz.userGroupsHeader ?? 'x-authz-user-groups',
    trusted: config.pipeline.identity_headers,
  }
}

/** A caller the router authenticated (the shape of RequestMeta.caller this needs). */
export interface CheckedCaller {
  readonly source: string
  readonly keyId?: string
  readonly tenant?: string
}

export function requestIdentity(
  headers: Readonly<Record<string, string>>,
  transport: Transport,
  settings: IdentitySettings,
  caller?: CheckedCaller,
): RequestIdentity {
  if (caller?.source === 'key' && caller.keyId !== undefined)
    return { user: caller.keyId, groups: caller.tenant === undefined ? [] : [caller.tenant] }
  if (!settings.trusted[transport]) return ANONYMOUS
  const user = headers[settings.userIdHeader]?.trim()
  const listed = headers[settings.userGroupsHeader]
  // Most requests carry no groups header: no split/map/filter arrays for them (ext_proc believes
  // these headers by default, so this runs for every routed stream there).
  const groups =
    listed === undefined || listed === ''
      ? NO_GROUPS
      : listed
          .split(',')
          .map((g) => g.trim())
          .filter((g) => g !== '')
  if (user === undefined && groups === NO_GROUPS) return ANONYMOUS
  return { user: user === '' ? undefined : user, groups }
}
