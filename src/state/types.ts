/**
 * Shared state store: the small set of atomic operations that router features needing state across
 * requests (rate limits, budgets, selection scores, traffic splits) are built on. One process uses
 * the in-memory store; several replicas point at one Redis (`state_store.backend: redis`) and then
 * agree on every counter. Keys are plain strings; each store adds its configured prefix.
 *
 * Counters are windowed by expiry: `increment` starts a key at 0, sets its time to live only when
 * it creates the key, and reports how long the key still lives, which is what a fixed-window rate
 * limit needs for `Retry-After`.
 */

export interface CounterValue {
  /** The value after the increment. */
  readonly value: number
  /** Milliseconds until the key expires; undefined when it never does. */
  readonly ttlMs: number | undefined
  /** With `max`: what was added (`by` cut so the value stays ≤ max; 0 when it already was). */
  readonly added?: number
  /**
   * With `max` on an expiring key: when this window ends, on the store's own clock (ms). It names
   * the window for `giveBack` (a key created again later ends at least one window length later).
   */
  readonly windowEnd?: number
}

/** One counter update of `giveBack`: what a replica reserved in a window and did not use. */
export interface CounterGiveBack {
  readonly key: string
  readonly by: number
  /** The `windowEnd` the reservation reported: nothing is given back to another window. */
  readonly windowEnd: number
}

/**
 * Two reads of one window's end differ by rounding only (the store keeps an absolute expiry); a
 * window created after it ends at least its whole length later.
 */
export const SAME_WINDOW_MS = 50

/** One counter update of `incrementMany`. */
export interface CounterIncrement {
  readonly key: string
  readonly by: number
  readonly ttlMs?: number
  /**
   * Never take the value above this (a positive `by` is cut to what fits): how a replica reserves
   * a share of a limit without overshooting it, whatever the other replicas do meanwhile.
   */
  readonly max?: number
}

export interface StateStore {
  /** `memory` or `redis`. */
  readonly kind: string
  get(key: string): Promise<string | undefined>
  /** Set a value, optionally expiring after `ttlMs`. */
  set(key: string, value: string, ttlMs?: number): Promise<void>
  delete(key: string): Promise<void>
  /**
   * Add `by` (may be fractional or negative) to the number at `key` (0 when absent), atomically
   * across every client of the store. When this call creates the key and `ttlMs` is given, the key
   * expires after `ttlMs`; later increments keep that expiry.
   */
  increment(key: string, by: number, ttlMs?: number): Promise<CounterValue>
  /**
   * Several `increment`s as one atomic step and (Redis) one round trip: what a request's rate
   * limits need together. Values in the order given.
   */
  incrementMany(increments: readonly CounterIncrement[]): Promise<CounterValue[]>
  /**
   * `incrementMany` answered at once, for stores that need no I/O (memory): the rate limiter's
   * path without a promise per request. Absent on stores that must ask a server.
   */
  readonly incrementManyNow?: (increments: readonly CounterIncrement[]) => CounterValue[]
  /**
   * Take each `by` off its counter as one atomic step, only while the key is still the window that
   * ends at `windowEnd` (± SAME_WINDOW_MS; gone or created anew: nothing), never below 0. Answers
   * what was taken off each. How a replica returns reserved requests it will not use.
   */
  giveBack(items: readonly CounterGiveBack[]): Promise<number[]>
  /** Every field of a hash (empty when absent). */
  hashGetAll(key: string): Promise<Record<string, string>>
  /** Set some fields of a hash (others kept). */
  hashSet(key: string, fields: Readonly<Record<string, string>>): Promise<void>
  /** Add `by` to one numeric field of a hash, atomically; returns the new value. */
  hashIncrement(key: string, field: string, by: number): Promise<number>
  /** Whether the store answers (Redis: PING). */
  ping(): Promise<boolean>
  close(): Promise<void>
}

/**
 * What a store answers once it is closed (the router is shutting down): not an outage that ends —
 * nothing will be counted or read here again.
 */
export class StateStoreClosedError extends Error {
  constructor() {
    super('the state store is closed')
    this.name = 'StateStoreClosedError'
  }
}
