/**
 * The request edge: the one place that decides what an incoming request is, for both transports.
 * The gateway (node:http) and the ext_proc stream (Envoy's headers) each turn their wire format into
 * an EdgeInput, call `describe`, and apply the answer; neither makes these decisions itself.
 *
 * It decides: the request's kind (path table), its id (the client's when acceptable, else ours),
 * which routing headers to remove and what the pipeline may see of the client's headers, whether the
 * request is admitted (method, content type, declared size), its body limit and its processing
 * deadline. Where the two transports used to differ, the stricter rule now holds for both.
 */
import type { RouterConfig } from '../config/schema/index.js'
import { RouterError, toOpenAIErrorBody, type ErrorCode } from '../errors.js'
import { bodyTooLarge } from '../http/body.js'
import { REQUEST_ID_HEADER, requestIdFrom } from '../http/request-id.js'
import { admit, type EdgeRejection } from './admission.js'
import {
  ANONYMOUS,
  CREDENTIAL_HEADERS,
  identifyCaller,
  type CallerIdentity,
  type KeyLookup,
} from '../pipeline/caller.js'
import { pathRule, splitTarget, type RequestKind } from './paths.js'
import {
  PIPELINE_REQUEST_FLAGS,
  ROUTER_HEADER_PREFIX,
  routingHeaderNames,
} from './routing-headers.js'

export interface EdgeSettings {
  /** The configured destination header ('' = none); removed from clients like the named ones. */
  readonly destinationHeader: string
  readonly maxBodyBytes: number
  /** Longest time the router spends deciding a request (classification, guards, cache lookup). */
  readonly deadlineMs: number
  /**
   * The API keys this listener requires (`security.auth`); undefined = no authentication here.
   * Checked keys are the router's: they are removed from what is forwarded.
   */
  readonly keys?: KeyLookup
  /**
   * With `keys`: requests the router does not route (passthrough) need a key too. Set for ext_proc
   * (Envoy forwards them) unless `security.auth.extproc_other_paths: pass`; the gateway answers
   * them 404 itself, so nothing of theirs is forwarded there.
   */
  readonly keysOnOtherPaths?: boolean
}

/** Which listener an edge serves (each can require a key or not: `security.auth.listeners`). */
export type EdgeListener = 'gateway' | 'extproc'

/** Where the edge finds the API keys (RouterState keeps the key ring across reloads). */
export interface KeySource {
  keyRing(path: string, intervalMs: number, onError: (err: Error) => void): KeyLookup
}

/** Default processing deadline (`server.processing_timeout_ms`). */
export const DEFAULT_DEADLINE_MS = 5_000

export function edgeSettings(
  config: RouterConfig,
  auth?: { listener: EdgeListener; keys: KeySource; onError: (err: Error) => void },
): EdgeSettings {
  const server = config.server.processing_timeout_ms
  const extproc = config.extproc.message_timeout_ms
  const a = config.security.auth
  const keys =
    auth !== undefined && a.enabled && a.listeners[auth.listener]
      ? auth.keys.keyRing(a.keys_file, a.reload_interval_ms, auth.onError)
      : undefined
  return {
    destinationHeader: config.extproc.destination_header,
    maxBodyBytes: config.server.max_body_bytes,
    // The older ext_proc-only name still counts; when both are set the stricter one wins.
    deadlineMs: extproc === undefined ? server : Math.min(server, extproc),
    ...(keys ? { keys } : {}),
    keysOnOtherPaths:
      keys !== undefined && auth?.listener === 'extproc' && a.extproc_other_paths === 'check',
  }
}

/** An incoming request as a transport sees it. */
export interface EdgeInput {
  readonly method: string
  /** Path and query as received. */
  readonly target: string
  /**
   * Request headers, lower-case names. Pseudo-headers (`:path`, ...) are ignored; repeated headers
   * may come as arrays (node:http) or already joined (ext_proc).
   */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>
}

export interface EdgeRequest {
  readonly kind: RequestKind
  readonly method: string
  /** Path without the query. */
  readonly path: string
  /** Path and query as received. */
  readonly target: string
  readonly requestId: string
  /** The client sent no acceptable id: `requestId` is ours and replaces theirs downstream. */
  readonly requestIdAssigned: boolean
  /**
   * The client's headers as the pipeline sees them: single-valued, no pseudo-headers, no routing
   * headers, `x-request-id` set to `requestId`; the API key removed when the router checked it.
   */
  readonly headers: Readonly<Record<string, string>>
  /**
   * Who is calling (src/pipeline/caller.ts); anonymous for refused requests and for passthrough
   * ones whose key the listener does not check.
   */
  readonly caller: CallerIdentity
  /** Routing headers to remove from what is forwarded: the named ones and any `x-vsr-*` present. */
  readonly removeHeaders: readonly string[]
  readonly acceptsEventStream: boolean
  /** Set when the request is refused at the edge; the transport answers with it. */
  readonly rejection: EdgeRejection | undefined
}

/** An error answer as both transports send it: same status, headers and body bytes. */
export interface EdgeErrorReply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export class RequestEdge {
  readonly settings: EdgeSettings
  private readonly routingHeaders: readonly string[]
  private readonly named: ReadonlySet<string>

  constructor(settings: EdgeSettings) {
    this.settings = settings
    this.routingHeaders = routingHeaderNames(settings.destinationHeader)
    this.named = new Set(this.routingHeaders)
  }

  /**
   * `auth` names the listener and where its keys are; without it (tools, tests of other rules)
   * the edge authenticates nobody.
   */
  static fromConfig(
    config: RouterConfig,
    auth?: { listener: EdgeListener; keys: KeySource; onError: (err: Error) => void },
  ): RequestEdge {
    return new RequestEdge(edgeSettings(config, auth))
  }

  get deadlineMs(): number {
    return this.settings.deadlineMs
  }

  get maxBodyBytes(): number {
    return this.settings.maxBodyBytes
  }

  describe(input: EdgeInput): EdgeRequest {
    const method = input.method.toUpperCase()
    const { path } = splitTarget(input.target)
    const rule = pathRule(path)
    const kind: RequestKind = rule?.kind ?? 'passthrough'
    const id = requestIdFrom(input.headers[REQUEST_ID_HEADER])
    const headers: Record<string, string> = {}
    // Headers to remove besides the named routing headers (usually none: no copy of those then).
    let extra: string[] | undefined
    for (const name in input.headers) {
      const value = input.headers[name]
      if (value === undefined || name.charCodeAt(0) === 58 /* ':' */) continue
      if (this.named.has(name)) continue
      if (name.startsWith(ROUTER_HEADER_PREFIX)) {
        ;(extra ??= []).push(name)
        if (!PIPELINE_REQUEST_FLAGS.has(name)) continue
      }
      headers[name] = typeof value === 'string' ? value : value.join(', ')
    }
    headers[REQUEST_ID_HEADER] = id.id
    // Who is calling matters to what the router handles, and to what it lets through when the
    // listener checks keys on every path (ext_proc): a checked key is the router's, never forwarded.
    const identify = kind !== 'passthrough' || this.settings.keysOnOtherPaths === true
    const identified = identify ? identifyCaller(headers, { keys: this.settings.keys }) : ANONYMOUS
    if (this.settings.keys !== undefined && identify)
      for (const name of CREDENTIAL_HEADERS) {
        delete headers[name]
        ;(extra ??= []).push(name)
      }
    const rejection = admit({
      kind,
      rule,
      method,
      path,
      headers,
      maxBodyBytes: this.settings.maxBodyBytes,
      callerError: identified instanceof Error ? identified : undefined,
    })
    return {
      kind,
      method,
      path,
      target: input.target,
      requestId: id.id,
      requestIdAssigned: id.assigned,
      headers,
      caller: identified instanceof Error ? ANONYMOUS : identified,
      removeHeaders: extra ? [...this.routingHeaders, ...extra] : this.routingHeaders,
      acceptsEventStream: (headers['accept'] ?? '').includes('text/event-stream'),
      rejection,
    }
  }

  /**
   * A request whose headers the transport never saw (ext_proc with `request_header_mode: SKIP`):
   * taken as a chat body, with an id of ours and every named routing header removed.
   */
  headerless(): EdgeRequest {
    const id = requestIdFrom(undefined)
    return {
      kind: 'chat',
      method: 'POST',
      path: '',
      target: '',
      requestId: id.id,
      requestIdAssigned: true,
      headers: { [REQUEST_ID_HEADER]: id.id },
      caller: ANONYMOUS,
      removeHeaders: this.routingHeaders,
      acceptsEventStream: false,
      // Without headers there is no key to check.
      rejection:
        this.settings.keys === undefined
          ? undefined
          : {
              error: new RouterError('authentication_required'),
              headers: {},
              counted: true,
            },
    }
  }

  /** The error a body over the limit gets (counted like the header-phase 413). */
  bodyTooLarge(): RouterError {
    return bodyTooLarge(this.settings.maxBodyBytes)
  }
}

/** The OpenAI-shaped error answer for a request, identical on both transports. */
export function edgeErrorReply(
  error: RouterError,
  requestId: string,
  headers: Readonly<Record<string, string>> = {},
): EdgeErrorReply {
  return {
    status: error.status,
    headers: {
      ...error.headers,
      ...headers,
      'content-type': 'application/json',
      [REQUEST_ID_HEADER]: requestId,
    },
    body: JSON.stringify(toOpenAIErrorBody(error)),
  }
}

/** `llm_request_errors_total` reason for an error the edge answers (upstream's names where it has one). */
export function edgeErrorReason(code: ErrorCode): string {
  return code === 'processing_timeout' ? 'timeout' : code
}
