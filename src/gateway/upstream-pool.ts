/**
 * Keep-alive connection pools towards the LLM endpoints: one undici Pool per endpoint origin, all
 * built from the same `upstream` settings. A config reload that changes those settings gets a new
 * UpstreamPools; the old one is closed gracefully (requests in flight finish first).
 */
import { Pool, type Dispatcher } from 'undici'
import type { UpstreamConfig } from '../config/schema/index.js'
import type { EndpointTarget } from '../pipeline/types.js'

export class UpstreamPools {
  readonly settings: UpstreamConfig
  private readonly key: string
  /** The last settings object found equal, so the per-request check is an identity compare. */
  private lastSeen: UpstreamConfig
  private readonly pools = new Map<string, Pool>()
  /** Tries dispatched to each pool that undici has not finished yet (forward.ts counts them). */
  private readonly active = new Map<Dispatcher, number>()
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

  /** A try was dispatched to `pool` (counted until `finished`). */
  started(pool: Dispatcher): void {
    this.active.set(pool, (this.active.get(pool) ?? 0) + 1)
  }

  /** Undici is done with a try `started` on `pool` (its response ended or failed). */
  finished(pool: Dispatcher): void {
    this.active.set(pool, (this.active.get(pool) ?? 1) - 1)
  }

  /**
   * Whether every one of `connections` connections to the pool's endpoint is open and busy, so a
   * new try would wait in undici's queue. With fewer tries in flight than connections one is free
   * or can still be opened: answered from the count, without `pool.stats` (which walks every
   * connection six times — per try, at a few thousand tries per second).
   */
  saturated(pool: Pool, connections: number): boolean {
    if ((this.active.get(pool) ?? 0) < connections) return false
    const stats = pool.stats
    return stats.connected >= connections && stats.free === 0
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
