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
import {
  SAME_WINDOW_MS,
  type CounterGiveBack,
  type CounterIncrement,
  type CounterValue,
  type StateStore,
  StateStoreClosedError,
} from './types.js'

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
 * ARGV[3i-1] ms when created; returns {value, pttl, added, window end}... as strings (Lua numbers
 * would be truncated to integers on the way out). The window end (server clock, ms: TIME + PTTL,
 * i.e. the key's absolute expiry) is read only for a reservation (`max`) on an expiring key.
 */
const INCREMENT = `
local out = {}
local nowms
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
  out[4 * i - 3] = v
  out[4 * i - 2] = tostring(left)
  out[4 * i - 1] = tostring(by)
  out[4 * i] = ''
  if max ~= '' and left >= 0 then
    if nowms == nil then
      local t = redis.call('TIME')
      nowms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    end
    out[4 * i] = tostring(nowms + left)
  end
end
return out`

const INCREMENT_SHA = createHash('sha1').update(INCREMENT).digest('hex')

/**
 * KEYS[i] -= ARGV[2i-1], only while the key's window ends at ARGV[2i] (± ARGV[#ARGV] ms: the same
 * window; a key gone or created since is another) and never below 0; returns what was taken off
 * each, as strings.
 */
const GIVE_BACK = `
local out = {}
local t = redis.call('TIME')
local nowms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local slack = tonumber(ARGV[#ARGV])
for i, key in ipairs(KEYS) do
  local by = tonumber(ARGV[2 * i - 1])
  local ends = tonumber(ARGV[2 * i])
  local left = redis.call('PTTL', key)
  local give = 0
  if left >= 0 and math.abs(nowms + left - ends) <= slack then
    give = math.max(0, math.min(by, tonumber(redis.call('GET', key) or '0')))
    if give > 0 then redis.call('INCRBYFLOAT', key, -give) end
  end
  out[i] = tostring(give)
end
return out`

const GIVE_BACK_SHA = createHash('sha1').update(GIVE_BACK).digest('hex')

const isNoScript = (err: unknown): boolean =>
  err instanceof Error && err.message.startsWith('NOSCRIPT')

type Client = ReturnType<typeof createClient>

export class RedisStateStore implements StateStore {
  readonly kind = 'redis'
  private readonly client: Client
  private readonly prefix: string
  private readonly ready: Promise<unknown>
  private closed = false

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
    const flat = (await this.script(INCREMENT, INCREMENT_SHA, args)) as string[]
    return increments.map(({ max }, i) => {
      const value = Number(flat[4 * i])
      const left = Number(flat[4 * i + 1])
      const ttlMs = left >= 0 ? left : undefined
      if (max === undefined) return { value, ttlMs }
      const added = Number(flat[4 * i + 2])
      const end = flat[4 * i + 3]
      return end ? { value, ttlMs, added, windowEnd: Number(end) } : { value, ttlMs, added }
    })
  }

  async giveBack(items: readonly CounterGiveBack[]): Promise<number[]> {
    if (items.length === 0) return []
    const args = [String(items.length)]
    for (const { key } of items) args.push(this.key(key))
    for (const { by, windowEnd } of items) args.push(String(by), String(windowEnd))
    args.push(String(SAME_WINDOW_MS))
    const flat = (await this.script(GIVE_BACK, GIVE_BACK_SHA, args)) as string[]
    return flat.map(Number)
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
    this.closed = true
    await this.ready
    if (this.client.isReady) await this.client.close()
    else if (this.client.isOpen) this.client.destroy()
  }

  private key(key: string): string {
    return this.prefix + key
  }

  /** A script by its SHA-1, loaded with EVAL when the server does not have it. */
  private async script(source: string, sha: string, args: string[]): Promise<unknown> {
    try {
      return await this.command(['EVALSHA', sha, ...args])
    } catch (err) {
      if (!isNoScript(err)) throw err
      return await this.command(['EVAL', source, ...args])
    }
  }

  private async command(args: string[]): Promise<unknown> {
    if (this.closed) throw new StateStoreClosedError()
    await this.ready
    return this.client.sendCommand(args)
  }
}
