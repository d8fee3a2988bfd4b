/**
 * Keep-alive connection pools towards the LLM endpoints: one undici Pool per endpoint origin, all
 * built from the same `upstream` settings. A config reload that changes those settings gets a new
 * UpstreamPools; the old one is closed gracefully (requests in flight finish first).
 */
import { Pool } from 'undici'
import type { UpstreamConfig } from '../config/schema/index.js'
import type { EndpointTarget } from '../pipeline/types.js'

export class UpstreamPools {
  readonly settings: UpstreamConfig
  private readonly key: string
  /** The last settings object found equal, so the per-request check is an identity compare. */
  private lastSeen: UpstreamConfig
  private readonly pools = new Map<string, Pool>()
  private closed = false

  constructor(settings: UpstreamConfig) {
    this.settings = settings
    this.key = JSON.stringify(settings)
    this.lastSeen = settings
  }

  /** The pool for an endpoint, created on first use. */
  get(endpoint: EndpointTarget): Pool {
    const origin = `${endpoint.protocol}://${endpoint.hostPort}`
    let pool = this.pools.get(origin)
    if (pool === undefined) {
      if (this.closed) throw new Error('upstream pools are closed')
      const s = this.settings
      pool = new Pool(origin, {
        connections: s.connections_per_endpoint,
        pipelining: 1,
        keepAliveTimeout: s.keep_alive_timeout_ms,
        headersTimeout: s.headers_timeout_ms,
        bodyTimeout: s.body_timeout_ms,
        connect: { timeout: s.connect_timeout_ms },
      })
      this.pools.set(origin, pool)
    }
    return pool
  }

  /** Same settings (timeouts, pool size) as another config's `upstream` section. */
  matches(settings: UpstreamConfig): boolean {
    if (settings === this.lastSeen) return true
    if (JSON.stringify(settings) !== this.key) return false
    this.lastSeen = settings
    return true
  }

  /** Wait for running requests, then close every connection. */
  async close(): Promise<void> {
    this.closed = true
    const pools = [...this.pools.values()]
    this.pools.clear()
    await Promise.all(pools.map((p) => p.close()))
  }

  /** Close immediately, failing requests still running. */
  async destroy(): Promise<void> {
    this.closed = true
    const pools = [...this.pools.values()]
    this.pools.clear()
    await Promise.all(pools.map((p) => p.destroy()))
  }
}
