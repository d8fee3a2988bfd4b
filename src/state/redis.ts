/**
 * Redis state store: what several router replicas share (rate limits, budgets, scores, splits).
 * One connection per store (npm `@redis/client`, RESP2), every key under `prefix`. Commands fail
 * fast while the connection is down (no offline queue: a request must not wait for Redis to come
 * back); the client reconnects by itself with a capped back-off. Counters are one Lua script, so
 * increments and their expiries are atomic and cost one round trip however many counters a request
 * touches. The script is sent by its SHA-1 (EVALSHA): a server that does not have it (restarted,
 * flushed, another replica's Redis) answers NOSCRIPT, and the call is repeated once with EVAL, which
 * loads it.
 */
import { createHash } from 'node:crypto'
import { createClient } from '@redis/client'
import type { CounterIncrement, CounterValue, StateStore } from './types.js'

export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...`. */
  readonly url: string
  readonly prefix?: string
  readonly connectTimeoutMs?: number
  /** Longest wait for one command's answer. */
  readonly commandTimeoutMs?: number
  /** Called on connection errors (logged by the owner; the client keeps reconnecting). */
  readonly onError?: (err: Error) => void
}

/**
 * KEYS[i] += ARGV[3i-2] (cut so the value stays <= ARGV[3i] when that is not ''), expiring after
 * ARGV[3i-1] ms when created; returns {value, pttl, added}... as strings (Lua numbers would be
 * truncated to integers on the way out).
 */
const INCREMENT = `
local out = {}
for i, key in ipairs(KEYS) do
  local by = tonumber(ARGV[3 * i - 2])
  local ttl = tonumber(ARGV[3 * i - 1])
  local max = ARGV[3 * i]
  if max ~= '' and by > 0 then
    local now = tonumber(redis.call('GET', key) or '0')
    by = math.max(0, math.min(by, tonumber(max) - now))
  end
  local v = redis.call('INCRBYFLOAT', key, by)
  local left = redis.call('PTTL', key)
  if ttl > 0 and left < 0 then
    redis.call('PEXPIRE', key, ttl)
    left = ttl
  end
  out[3 * i - 2] = v
  out[3 * i - 1] = tostring(left)
  out[3 * i] = tostring(by)
end
return out`

const INCREMENT_SHA = createHash('sha1').update(INCREMENT).digest('hex')

const isNoScript = (err: unknown): boolean =>
  err instanceof Error && err.message.startsWith('NOSCRIPT')

type Client = ReturnType<typeof createClient>

export class RedisStateStore implements StateStore {
  readonly kind = 'redis'
  private readonly client: Client
  private readonly prefix: string
  private readonly ready: Promise<unknown>

  constructor(options: RedisStoreOptions) {
    this.prefix = options.prefix ?? 'vsr:'
    this.client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      commandOptions: { timeout: options.commandTimeoutMs ?? 1_000 },
      socket: {
        connectTimeout: options.connectTimeoutMs ?? 2_000,
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 6), 2_000),
      },
    })
    this.client.on('error', (err: Error) => options.onError?.(err))
    // The first connection attempt is waited for at most the connect timeout: while Redis is
    // away the client keeps retrying in the background and commands fail at once.
    const connectTimeoutMs = options.connectTimeoutMs ?? 2_000
    let timer: NodeJS.Timeout | undefined
    this.ready = Promise.race([
      this.client.connect().catch((err: unknown) => {
        options.onError?.(err instanceof Error ? err : new Error(String(err)))
      }),
      new Promise((resolve) => (timer = setTimeout(resolve, connectTimeoutMs))),
    ]).finally(() => clearTimeout(timer))
  }

  /** Resolves once the first connection attempt settled (connected or failed). */
  async connected(): Promise<boolean> {
    await this.ready
    return this.client.isReady
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.command(['GET', this.key(key)])
    return typeof value === 'string' ? value : undefined
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    const args = ['SET', this.key(key), value]
    if (ttlMs !== undefined) args.push('PX', String(Math.max(1, Math.ceil(ttlMs))))
    await this.command(args)
  }

  async delete(key: string): Promise<void> {
    await this.command(['DEL', this.key(key)])
  }

  async increment(key: string, by: number, ttlMs?: number): Promise<CounterValue> {
    const [value] = await this.incrementMany([
      { key, by, ...(ttlMs === undefined ? {} : { ttlMs }) },
    ])
    return value!
  }

  async incrementMany(increments: readonly CounterIncrement[]): Promise<CounterValue[]> {
    if (increments.length === 0) return []
    const args = [String(increments.length)]
    for (const { key } of increments) args.push(this.key(key))
    for (const { by, ttlMs, max } of increments)
      args.push(
        String(by),
        String(ttlMs === undefined ? 0 : Math.max(1, Math.ceil(ttlMs))),
        max === undefined ? '' : String(max),
      )
    let reply: unknown
    try {
      reply = await this.command(['EVALSHA', INCREMENT_SHA, ...args])
    } catch (err) {
      if (!isNoScript(err)) throw err
      reply = await this.command(['EVAL', INCREMENT, ...args])
    }
    const flat = reply as string[]
    return increments.map(({ max }, i) => {
      const value = Number(flat[3 * i])
      const left = Number(flat[3 * i + 1])
      const ttlMs = left >= 0 ? left : undefined
      return max === undefined ? { value, ttlMs } : { value, ttlMs, added: Number(flat[3 * i + 2]) }
    })
  }

  async hashGetAll(key: string): Promise<Record<string, string>> {
    const reply = (await this.command(['HGETALL', this.key(key)])) as
      string[] | Record<string, string>
    if (!Array.isArray(reply)) return { ...reply }
    const out: Record<string, string> = {}
    for (let i = 0; i + 1 < reply.length; i += 2) out[reply[i] as string] = reply[i + 1] as string
    return out
  }

  async hashSet(key: string, fields: Readonly<Record<string, string>>): Promise<void> {
    const flat = Object.entries(fields).flat()
    if (flat.length === 0) return
    await this.command(['HSET', this.key(key), ...flat])
  }

  async hashIncrement(key: string, field: string, by: number): Promise<number> {
    return Number(await this.command(['HINCRBYFLOAT', this.key(key), field, String(by)]))
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.command(['PING'])) === 'PONG'
    } catch {
      return false
    }
  }

  async close(): Promise<void> {
    await this.ready
    if (this.client.isReady) await this.client.close()
    else if (this.client.isOpen) this.client.destroy()
  }

  private key(key: string): string {
    return this.prefix + key
  }

  private async command(args: string[]): Promise<unknown> {
    await this.ready
    return this.client.sendCommand(args)
  }
}
