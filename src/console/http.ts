/**
 * The console's HTTP surface under `/ui/` on the classification API listener: the front end's
 * files, the live event stream and three JSON endpoints. The API server hands every `/ui` request
 * here after its own checks — with `security.auth` on the API listener, the same key check as the
 * API routes at the access level below — and turns a thrown RouterError into its usual answer.
 *
 * | path                  | method | access | what                                        |
 * | --------------------- | ------ | ------ | ------------------------------------------- |
 * | /ui/ and its files    | GET    | public | the front end (no data in it)               |
 * | /ui/api/stream        | GET    | caller | Server-Sent Events (frames.ts)              |
 * | /ui/api/decision?id=  | GET    | caller | one recent request's DecisionEvent          |
 * | /ui/api/playground    | POST   | caller | what the router would do with a text        |
 * | /ui/api/config        | GET    | admin  | the active config, secrets redacted         |
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { z } from 'zod'
import { RouterError } from '../errors.js'
import { sendJson } from '../http/respond.js'
import type { Runtime, RuntimeSource } from '../pipeline/runtime.js'
import type { Asset } from './assets.js'
import type { ConfigStatus } from './config-status.js'
import type { ConsoleHub } from './hub.js'
import type { Playground } from './playground.js'

export const CONSOLE_PREFIX = '/ui'

/** The API routes' access levels (`ApiRoute.access`): any valid key, or an admin key. */
export type ConsoleAccess = 'public' | 'caller' | 'admin'

/** Who may call a console path when the API listener authenticates callers. */
export function consoleAccess(pathname: string): ConsoleAccess {
  if (pathname === '/ui/api/config' || pathname.startsWith('/ui/api/config/')) return 'admin'
  if (pathname === '/ui/api' || pathname.startsWith('/ui/api/')) return 'caller'
  return 'public'
}

/** Longest playground text (the classification API's limit). */
export const MAX_PLAYGROUND_CHARS = 1_000_000

const playgroundBody = z.strictObject({
  text: z.string().min(1).max(MAX_PLAYGROUND_CHARS),
  model: z.string().min(1).max(256).optional(),
})

const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
}

export interface ConsoleDeps {
  readonly hub: ConsoleHub
  readonly playground: Playground
  readonly configStatus: ConfigStatus
  readonly assets: ReadonlyMap<string, Asset>
  /** `console.enabled` of the config serving now. */
  readonly enabled: () => boolean
}

export interface ConsoleRequest {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  /** The URL path as sent (trailing slash kept). */
  readonly pathname: string
  readonly query: URLSearchParams
  readonly requestId: string
  readonly runtimes: () => RuntimeSource<Runtime> | undefined
  /** The request body parsed as JSON, bounded by the listener's body limit. */
  readJson(): Promise<unknown>
}

export class ConsoleHttp {
  private readonly deps: ConsoleDeps

  constructor(deps: ConsoleDeps) {
    this.deps = deps
  }

  owns(pathname: string): boolean {
    return pathname === CONSOLE_PREFIX || pathname.startsWith(`${CONSOLE_PREFIX}/`)
  }

  async handle(r: ConsoleRequest): Promise<void> {
    if (!this.deps.enabled())
      throw new RouterError('route_not_found', 'The console is turned off (console.enabled)')
    const method = r.req.method ?? 'GET'
    const path = r.pathname
    if (path.startsWith('/ui/api/')) return this.api(r, method, path)
    allow(method, ['GET', 'HEAD'], path)
    if (path === CONSOLE_PREFIX) {
      r.res.writeHead(308, { ...COMMON_HEADERS, location: '/ui/', 'content-length': 0 })
      r.res.end()
      return
    }
    const name = path === '/ui/' ? 'index.html' : path.slice('/ui/'.length)
    const asset = this.deps.assets.get(name)
    if (!asset) throw new RouterError('route_not_found', `No console file ${path}`)
    this.sendAsset(r, asset, method === 'HEAD')
  }

  private async api(r: ConsoleRequest, method: string, path: string): Promise<void> {
    switch (path) {
      case '/ui/api/stream':
        allow(method, ['GET'], path)
        await this.deps.hub.attach(r.res)
        return
      case '/ui/api/decision': {
        allow(method, ['GET'], path)
        const id = r.query.get('id') ?? ''
        const event = id === '' ? undefined : this.deps.hub.decision(id)
        if (!event)
          throw new RouterError('route_not_found', 'No such request in the recent window', {
            param: 'id',
          })
        return sendJsonBody(r, 200, event)
      }
      case '/ui/api/config':
        allow(method, ['GET'], path)
        return sendJsonBody(r, 200, await this.deps.configStatus.view())
      case '/ui/api/playground':
        allow(method, ['POST'], path)
        return this.playground(r)
      default:
        throw new RouterError('route_not_found', `No console endpoint ${path}`)
    }
  }

  private async playground(r: ConsoleRequest): Promise<void> {
    const type = r.req.headers['content-type'] ?? ''
    if (!/^application\/json\b/i.test(type))
      throw new RouterError('unsupported_media_type', 'The playground takes application/json')
    const parsed = playgroundBody.safeParse(await r.readJson())
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const param = issue?.path.join('.') || 'body'
      throw new RouterError('invalid_request', `${param}: ${issue?.message ?? 'invalid'}`, {
        param,
      })
    }
    const lease = r.runtimes()?.acquire()
    if (!lease) throw new RouterError('not_ready')
    try {
      const result = await this.deps.playground.run(
        lease.runtime,
        parsed.data.text,
        parsed.data.model,
      )
      sendJsonBody(r, 200, result)
    } finally {
      lease.release()
    }
  }

  private sendAsset(r: ConsoleRequest, asset: Asset, head: boolean): void {
    const headers: Record<string, string | number> = {
      ...COMMON_HEADERS,
      'content-type': asset.type,
      'cache-control': 'no-cache',
      etag: asset.etag,
      'content-security-policy': PAGE_CSP,
    }
    if (r.req.headers['if-none-match'] === asset.etag) {
      r.res.writeHead(304, headers)
      r.res.end()
      return
    }
    r.res.writeHead(200, { ...headers, 'content-length': asset.body.length })
    r.res.end(head ? undefined : asset.body)
  }
}

function allow(method: string, methods: readonly string[], path: string): void {
  if (!methods.includes(method))
    throw new RouterError('method_not_allowed', `${method} is not allowed on ${path}`)
}

function sendJsonBody(r: ConsoleRequest, status: number, body: unknown): void {
  sendJson(r.res, status, JSON.stringify(body), {
    ...COMMON_HEADERS,
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'x-request-id': r.requestId,
  })
}
