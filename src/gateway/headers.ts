/**
 * Header hygiene for the gateway, in both directions.
 *
 * Towards the upstream: the client's headers (as the request edge left them: no routing headers)
 * are forwarded except hop-by-hop headers (RFC 9110 §7.6.1, plus any named in `Connection`) and
 * framing headers we recompute. `accept-encoding` is replaced by `identity` because the router
 * reads the response (usage, cache) and must see plain bytes.
 *
 * Towards the client: upstream headers minus hop-by-hop and minus any `x-vsr-*` the upstream sent
 * (only the router's own tracking headers are trusted).
 */
import { PIPELINE_REQUEST_FLAGS } from '../edge/routing-headers.js'
import type { RouterHeaders } from '../pipeline/types.js'

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

/**
 * Headers never copied from the client to the upstream request (the routing headers are already
 * gone: the request edge removed them from what the gateway forwards).
 */
const NOT_FORWARDED = new Set([
  ...HOP_BY_HOP,
  'host',
  'content-length',
  'expect',
  'accept-encoding',
  'x-request-id',
  // The router's own request flags (the edge lets them through to the pipeline only).
  ...PIPELINE_REQUEST_FLAGS,
])

/** Headers never copied from the upstream response to the client. */
const NOT_RETURNED = HOP_BY_HOP

function connectionTokens(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined
  const joined = Array.isArray(value) ? value.join(',') : value
  const tokens = joined
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '' && t !== 'close' && t !== 'keep-alive')
  return tokens.length === 0 ? undefined : new Set(tokens)
}

export interface UpstreamHeaderInput {
  /** Client headers as the request edge passed them (routing headers removed). */
  readonly client: Readonly<Record<string, string>>
  /** Connection tokens of the original request (headers named there are hop-by-hop). */
  readonly connection: string | string[] | undefined
  readonly requestId: string
  readonly bodyLength: number
  /** Headers the pipeline wants set (x-selected-model, destination, ...). */
  readonly fromPipeline: ReadonlyMap<string, string>
  /** Client headers the pipeline wants removed (a decision's header_mutation delete). */
  readonly removedByPipeline?: ReadonlySet<string>
  /** Per-endpoint API key (from `api_key_env`); replaces the client's Authorization. */
  readonly apiKey: string | undefined
  readonly hostPort: string
}

/** Build the upstream request headers as a flat [name, value, ...] list (undici's fast path). */
export function upstreamRequestHeaders(input: UpstreamHeaderInput): string[] {
  const dropped = connectionTokens(input.connection)
  const out: string[] = []
  for (const name in input.client) {
    if (NOT_FORWARDED.has(name) || dropped?.has(name)) continue
    if (input.fromPipeline.has(name) || input.removedByPipeline?.has(name)) continue
    if (name === 'authorization' && input.apiKey !== undefined) continue
    out.push(name, input.client[name] as string)
  }
  for (const [name, value] of input.fromPipeline) {
    if (name === 'content-length') continue
    out.push(name, value)
  }
  if (input.apiKey !== undefined) out.push('authorization', `Bearer ${input.apiKey}`)
  out.push(
    'host',
    input.hostPort,
    'x-request-id',
    input.requestId,
    'accept-encoding',
    'identity',
    'content-length',
    String(input.bodyLength),
  )
  if (input.client['content-type'] === undefined) out.push('content-type', 'application/json')
  return out
}

/**
 * The client's response headers as flat `[name, value, ...]` pairs, which `writeHead` takes as
 * they are (no object is built and copied on every response): the upstream's headers minus
 * hop-by-hop, minus any `x-vsr-*` and minus those the router sets itself, then the router's.
 */
export function clientResponseHeaders(
  upstream: Readonly<Record<string, string | string[] | undefined>>,
  ...ours: RouterHeaders[]
): (string | string[])[] {
  const dropped = connectionTokens(upstream['connection'])
  const out: (string | string[])[] = []
  for (const name in upstream) {
    const value = upstream[name]
    if (value === undefined || NOT_RETURNED.has(name) || dropped?.has(name)) continue
    if (name.startsWith('x-vsr-') || setByRouter(name, ours)) continue
    out.push(name, value)
  }
  for (const headers of ours) {
    if (headers instanceof Map)
      for (const [name, value] of headers as ReadonlyMap<string, string>) out.push(name, value)
    else for (const name in headers) out.push(name, (headers as Record<string, string>)[name]!)
  }
  return out
}

function setByRouter(name: string, ours: readonly RouterHeaders[]): boolean {
  for (const headers of ours)
    if (headers instanceof Map ? headers.has(name) : Object.hasOwn(headers, name)) return true
  return false
}
