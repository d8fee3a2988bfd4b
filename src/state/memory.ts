/**
 * In-memory state store: the default for one router process. Expired keys are dropped when read
 * and by a sweep every `sweepMs` (unref'd), so a key that is never read again does not stay.
 */
import {
  SAME_WINDOW_MS,
  type CounterGiveBack,
  type CounterIncrement,
  type CounterValue,
  type StateStore,
  StateStoreClosedError,
} from './types.js'

interface Entry {
  /** Counters are kept as numbers (no text round trip per request); `get` shows them as text. */
  value: string | number | Map<string, string>
  /** Date.now() after which the entry is gone; Infinity = never. */
  expiresAt: number
}

export class MemoryStateStore implements StateStore {
  readonly kind = 'memory'
  private readonly entries = new Map<string, Entry>()
  private readonly sweeper: NodeJS.Timeout
  private readonly now: () => number
  /** Closed with the router: every call fails (StateStoreClosedError) instead of counting anew. */
  private closed = false

  constructor(options: { sweepMs?: number; now?: () => number } = {}) {
    this.now = options.now ?? Date.now
    this.sweeper = setInterval(() => this.sweep(), options.sweepMs ?? 30_000)
    this.sweeper.unref()
  }

  get(key: string): Promise<string | undefined> {
    if (this.closed) return closed()
    const value = this.live(key)?.value
    if (typeof value === 'number') return Promise.resolve(String(value))
    return Promise.resolve(typeof value === 'string' ? value : undefined)
  }

  set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (this.closed) return closed()
    this.entries.set(key, { value, expiresAt: this.expiry(ttlMs) })
    return Promise.resolve()
  }

  delete(key: string): Promise<void> {
    if (this.closed) return closed()
    this.entries.delete(key)
    return Promise.resolve()
  }

  increment(key: string, by: number, ttlMs?: number): Promise<CounterValue> {
    if (this.closed) return closed()
    try {
      return Promise.resolve(
        this.bump({ key, by, ...(ttlMs === undefined ? {} : { ttlMs }) }, this.now()),
      )
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)))
    }
  }

  /** Synchronous, so no other request's update can come between two of them. */
  incrementMany(increments: readonly CounterIncrement[]): Promise<CounterValue[]> {
    try {
      return Promise.resolve(this.incrementManyNow(increments))
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)))
    }
  }

  readonly incrementManyNow = (increments: readonly CounterIncrement[]): CounterValue[] => {
    if (this.closed) throw new StateStoreClosedError()
    const now = this.now()
    const values: CounterValue[] = []
    for (const increment of increments) values.push(this.bump(increment, now))
    return values
  }

  private bump({ key, by, ttlMs, max }: CounterIncrement, now: number): CounterValue {
    let entry = this.entries.get(key)
    if (entry === undefined || entry.expiresAt <= now) {
      entry = { value: 0, expiresAt: ttlMs === undefined ? Infinity : now + ttlMs }
      this.entries.set(key, entry)
    }
    const before = typeof entry.value === 'string' ? Number(entry.value) : entry.value
    if (typeof before !== 'number' || !Number.isFinite(before))
      throw new Error(`${key} does not hold a number`)
    const added = max === undefined || by <= 0 ? by : Math.max(0, Math.min(by, max - before))
    const value = before + added
    if (!Number.isFinite(value)) throw new Error(`${key} does not hold a number`)
    entry.value = value
    const ttl = entry.expiresAt === Infinity ? undefined : Math.max(0, entry.expiresAt - now)
    if (max === undefined) return { value, ttlMs: ttl }
    return ttl === undefined
      ? { value, ttlMs: ttl, added }
      : { value, ttlMs: ttl, added, windowEnd: entry.expiresAt }
  }

  giveBack(items: readonly CounterGiveBack[]): Promise<number[]> {
    if (this.closed) return closed()
    const now = this.now()
    return Promise.resolve(
      items.map(({ key, by, windowEnd }) => {
        const entry = this.entries.get(key)
        if (entry === undefined || entry.expiresAt <= now || typeof entry.value !== 'number')
          return 0
        if (Math.abs(entry.expiresAt - windowEnd) > SAME_WINDOW_MS) return 0
        const give = Math.max(0, Math.min(by, entry.value))
        entry.value -= give
        return give
      }),
    )
  }

  hashGetAll(key: string): Promise<Record<string, string>> {
    if (this.closed) return closed()
    const entry = this.live(key)
    return Promise.resolve(entry?.value instanceof Map ? Object.fromEntries(entry.value) : {})
  }

  hashSet(key: string, fields: Readonly<Record<string, string>>): Promise<void> {
    if (this.closed) return closed()
    const hash = this.hash(key)
    for (const [field, value] of Object.entries(fields)) hash.set(field, value)
    return Promise.resolve()
  }

  hashIncrement(key: string, field: string, by: number): Promise<number> {
    if (this.closed) return closed()
    const hash = this.hash(key)
    const value = Number(hash.get(field) ?? '0') + by
    if (!Number.isFinite(value)) return Promise.reject(new Error(`${key}.${field} is not a number`))
    hash.set(field, String(value))
    return Promise.resolve(value)
  }

  ping(): Promise<boolean> {
    return Promise.resolve(!this.closed)
  }

  close(): Promise<void> {
    this.closed = true
    clearInterval(this.sweeper)
    this.entries.clear()
    return Promise.resolve()
  }

  /** Number of live keys (tests, diagnostics). */
  get size(): number {
    this.sweep()
    return this.entries.size
  }

  private hash(key: string): Map<string, string> {
    const entry = this.live(key)
    if (entry?.value instanceof Map) return entry.value
    const created = new Map<string, string>()
    this.entries.set(key, { value: created, expiresAt: Infinity })
    return created
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key)
      return undefined
    }
    return entry
  }

  private expiry(ttlMs: number | undefined): number {
    return ttlMs === undefined ? Infinity : this.now() + ttlMs
  }

  private sweep(): void {
    const now = this.now()
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key)
  }
}

function closed(): Promise<never> {
  return Promise.reject(new StateStoreClosedError())
}
