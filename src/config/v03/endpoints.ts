/**
 * Upstream's backend_ref → endpoint rules (`canonical_providers.go`): the endpoint is named
 * `<model>_<ref.name>` (unnamed refs: `primary`, then `backend-N`); `endpoint` may be `host:port`,
 * `scheme://host:port/path` (the scheme sets the protocol, the path is dropped) or a bare IPv6
 * address; a missing port is 443 for https and 80 otherwise; weight 0 becomes 1.
 */
import { isIP } from 'node:net'
import type { BackendRefConfig } from '../schema/v03/providers.js'

export interface LoweredEndpoint {
  readonly name: string
  readonly address: string
  readonly port: number
  readonly protocol: 'http' | 'https'
  readonly weight: number
  /** A path the ref's URL carried that a plain endpoint cannot express ('' or '/v1' are fine). */
  readonly droppedPath: string
}

export function endpointName(model: string, ref: BackendRefConfig, index: number): string {
  const refName = ref.name ?? (index === 0 ? 'primary' : `backend-${index + 1}`)
  return `${model}_${refName}`
}

/** Parse a ref's address; undefined when it has neither endpoint nor base_url or is malformed. */
export function lowerBackendRef(
  model: string,
  ref: BackendRefConfig,
  index: number,
): LoweredEndpoint | undefined {
  const raw = ref.endpoint ?? ref.base_url
  if (raw === undefined) return undefined
  const parsed = splitAddress(raw, ref.protocol)
  if (!parsed) return undefined
  return {
    name: endpointName(model, ref, index),
    ...parsed,
    weight: ref.weight === 0 ? 1 : ref.weight,
  }
}

function splitAddress(
  raw: string,
  protocolHint: 'http' | 'https' | undefined,
): Omit<LoweredEndpoint, 'name' | 'weight'> | undefined {
  const text = raw.trim()
  if (isIP(text) === 6)
    return {
      address: text,
      port: protocolHint === 'https' ? 443 : 80,
      protocol: protocolHint ?? 'http',
      droppedPath: '',
    }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text)
    ? text
    : `${protocolHint ?? 'http'}://${text}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  const protocol = url.protocol === 'https:' ? 'https' : 'http'
  const address = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
  if (address === '') return undefined
  const port = url.port === '' ? (protocol === 'https' ? 443 : 80) : Number(url.port)
  const path = url.pathname.replace(/\/+$/, '')
  return { address, port, protocol, droppedPath: path === '' || path === '/v1' ? '' : path }
}
