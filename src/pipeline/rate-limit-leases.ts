/**
 * Rate limits shared through Redis without a round trip per request (`security.rate_limits.sync`
 * mode `lease`, the default for a Redis state store).
 *
 * Requests per minute — leases. A replica reserves a few of a caller's requests of the current
 * window at once: one script call adds them to the shared counter, but never past the limit (the
 * store's `max`), and answers how many it got and how long the window still lives. The replica
 * then admits from what it holds with no I/O, and asks again in the background when half of the
 * lease is used (earlier if the rest would not last two round trips). A lease is as large as the
 * caller's recent traffic on this replica over `lease_ms` (or four round trips of a slow store; at
 * least 1, at most `max_lease`, at most a quarter of what is left of the limit), so
 * a slow caller pays one round trip per request, exactly like `exact`, and a fast one about one per
 * `lease_ms`. Since every admitted request was first reserved in the shared counter, the replicas
 * together never admit more than the limit in a window. A lease lives until the end the store
 * reported, measured from before the call on a monotonic clock, so it never outlives the shared
 * window.
 *
 * Unused leases go back. A lease not drawn on for two lease horizons (the caller went quiet here),
 * and every lease when the limiter closes (reload, shutdown) — one still on its way then as soon as
 * it arrives, less what requests waiting for it take —, is returned to the shared counter by
 * one script call that takes it off only while the key is still the window it was reserved in
 * (the store's window end, `giveBack`) and never below 0. So slots are held unused only while a
 * caller is active on a replica (at most about `lease_ms` of its traffic there, ≤ `max_lease`)
 * or when the return fails; other replicas can admit the rest of the limit.
 *
 * Tokens per minute and spend — batched. An answer's tokens and cost are added locally and sent
 * with the next lease or flush (every `flush_interval_ms`, one call for every caller active since
 * the last), whose answer brings back the shared totals that admission checks: other replicas'
 * usage is seen at most one flush interval (plus a round trip) late. A caller not seen for three
 * flush intervals is synchronised before its next request is admitted.
 *
 * Store failures: a failed lease or sync goes to the limiter's `on_store_error` (allow: admitted
 * and logged; deny: 503). After a failure, and until a call succeeds again, `deny` makes every
 * request wait for its own call (a lease in hand no longer admits). Unsent usage is kept (a sum per
 * caller) and sent by the next call that succeeds.
 */
import { performance } from 'node:perf_hooks'
import type { SecurityConfig } from '../config/schema/security.js'
import type { CounterGiveBack, CounterIncrement, CounterValue, StateStore } from '../state/types.js'
import {
  MINUTE_MS,
  refusal,
  rememberCaller,
  type LimitCounts,
  type Period,
  type Subject,
} from './rate-limit-counts.js'

type SyncConfig = SecurityConfig['rate_limits']['sync']

/** Callers sent in one flush at most; the rest go in the next. */
const MAX_FLUSH_CALLERS = 500
/** A waiting request asks for a lease this often before it is refused (others took each one). */
const MAX_WAITS = 16

interface Lease {
  subject: Subject
  period: Period
  /** Requests this replica may still admit in the window. */
  left: number
  /** performance.now() by which the window has ended in the store (never later than there). */
  windowEnd: number
  /** The shared window is full until then. */
  refusedUntil: number
  /** The shared request count after the last reservation. */
  lastCount: number
  /** Size of the last lease granted. */
  size: number
  /** The window's end on the store's clock (names it when unused requests are given back). */
  storeEnd: number | undefined
  /** performance.now() of the last admission from the lease (or its grant). */
  usedAt: number
  /** Requests admitted since the last lease was asked for, and when it was. */
  admitted: number
  askedAt: number
  /** This caller's requests per ms here, as measured when the last lease was asked for. */
  perMs: number
  /** The call in flight for this caller (lease and/or sync), shared by whoever waits. */
  inFlight: Promise<void> | undefined
  /** Requests waiting for that call to admit them. */
  waiting: number
  /** Shared totals at the last sync, and what this replica added since (unsent / being sent). */
  tokens: number
  tokensEnd: number
  cost: number
  costPeriodId: string
  syncedAt: number
  pendingTokens: number
  pendingCost: number
  sendingTokens: number
  sendingCost: number
}

/** What one call sends for a caller's usage (to apply or restore when it answers). */
interface Sent {
  readonly lease: Lease
  readonly tokens: number | undefined
  readonly cost: number | undefined
  readonly costPeriodId: string
}

const ignore = (): void => undefined

export class LeasedCounts implements LimitCounts {
  private readonly store: StateStore
  private readonly sync: SyncConfig
  private readonly denyOnError: boolean
  private readonly report: (err: Error, during: string) => void
  private readonly windowMs: number
  private readonly staleMs: number
  private readonly leases = new Map<string, Lease>()
  /** Callers with usage to send or totals to refresh at the next flush. */
  private readonly active = new Set<Lease>()
  /** Callers holding requests of a live window (given back when they go quiet). */
  private readonly holding = new Set<Lease>()
  private idleTimer: NodeJS.Timeout | undefined
  private timer: NodeJS.Timeout | undefined
  private flushing: Promise<void> | undefined
  /** The last call to the store failed (cleared by the next that succeeds). */
  private failing = false
  /** Round trip of a store call, smoothed (ms): a lease is asked for early enough to cover it. */
  private rttMs = 1
  private closed = false

  constructor(
    store: StateStore,
    sync: SyncConfig,
    onStoreError: 'allow' | 'deny',
    report: (err: Error, during: string) => void,
    /** The requests/tokens window (tests shorten it). */
    windowMs = MINUTE_MS,
  ) {
    this.store = store
    this.sync = sync
    this.denyOnError = onStoreError === 'deny'
    this.report = report
    this.windowMs = windowMs
    this.staleMs = 3 * sync.flush_interval_ms
  }

  admit(subject: Subject, period: Period, now: number): void | Promise<void> {
    const lease = this.lease(subject, period)
    if (this.tryAdmit(lease, now, performance.now(), false)) return
    return this.wait(lease, now)
  }

  add(subject: Subject, period: Period, tokens: number, cost: number): void {
    const lease = this.lease(subject, period)
    lease.pendingTokens += tokens
    lease.pendingCost += cost
    this.active.add(lease)
    this.armFlush()
  }

  async close(): Promise<void> {
    this.closed = true
    clearTimeout(this.timer)
    clearTimeout(this.idleTimer)
    const returned = this.giveBack(this.live(this.holding))
    // Leases still on their way are given back when they arrive (call): wait for that too, so the
    // store is not closed under them.
    const arriving: Promise<void>[] = []
    for (const lease of this.leases.values())
      if (lease.inFlight) arriving.push(lease.inFlight.catch(ignore))
    await this.flushing
    if (this.active.size > 0) await this.flush()
    await Promise.all([returned, ...arriving])
  }

  /** The leases whose window has not ended. */
  private live(leases: Iterable<Lease>): Lease[] {
    const t = performance.now()
    return [...leases].filter((l) => t < l.windowEnd)
  }

  private lease(subject: Subject, period: Period): Lease {
    let lease = this.leases.get(subject.id)
    if (lease === undefined) {
      // A forgotten caller's lease is only unused; its unsent usage is still sent (`active`).
      lease = rememberCaller(this.leases, subject.id, {
        subject,
        period,
        left: 0,
        windowEnd: -Infinity,
        refusedUntil: -Infinity,
        lastCount: 0,
        size: 0,
        storeEnd: undefined,
        usedAt: -Infinity,
        admitted: 0,
        askedAt: -Infinity,
        perMs: 0,
        inFlight: undefined,
        waiting: 0,
        tokens: 0,
        tokensEnd: -Infinity,
        cost: 0,
        costPeriodId: '',
        syncedAt: -Infinity,
        pendingTokens: 0,
        pendingCost: 0,
        sendingTokens: 0,
        sendingCost: 0,
      })
    }
    lease.subject = subject
    lease.period = period
    return lease
  }

  /**
   * Admit from what this replica holds (true), refuse (throws), or say a call to the store is
   * needed first (false). `synced`: a call just succeeded, so staleness and failures are moot.
   */
  private tryAdmit(lease: Lease, now: number, t: number, synced: boolean): boolean {
    const subject = lease.subject
    const usage = subject.tokensPerMinute > 0 || subject.budget > 0
    if (!synced) {
      if (this.failing && this.denyOnError) return false
      if (usage && t - lease.syncedAt > this.staleMs) return false
    }
    if (subject.requestsPerMinute > 0 && (lease.left <= 0 || t >= lease.windowEnd)) {
      if (t < lease.refusedUntil) throw refusal('rate_limit_exceeded', lease.refusedUntil - t)
      return false
    }
    if (usage) this.checkUsage(lease, now, t)
    if (subject.requestsPerMinute > 0) {
      lease.left--
      lease.admitted++
      lease.usedAt = t
      // Ask for the next lease before this one runs out (a caller slow enough for leases of one
      // request just asks when it needs one; a closed limiter only for a request that waits).
      if (
        !this.closed &&
        lease.inFlight === undefined &&
        lease.size > 1 &&
        lease.left <= this.lowWater(lease)
      )
        this.call(lease).catch(ignore)
    }
    if (usage) {
      this.active.add(lease)
      this.armFlush()
    }
    return true
  }

  private async wait(lease: Lease, now: number): Promise<void> {
    lease.waiting++
    try {
      for (let i = 0; i < MAX_WAITS; i++) {
        await this.call(lease)
        if (this.tryAdmit(lease, now, performance.now(), true)) return
      }
    } finally {
      lease.waiting--
    }
    throw refusal('rate_limit_exceeded', 1_000)
  }

  /** Tokens and spend: the shared totals last seen plus what this replica added since. */
  private checkUsage(lease: Lease, now: number, t: number): void {
    const subject = lease.subject
    if (subject.tokensPerMinute > 0) {
      const live = t < lease.tokensEnd
      const used = (live ? lease.tokens : 0) + lease.pendingTokens + lease.sendingTokens
      if (used >= subject.tokensPerMinute)
        throw refusal('rate_limit_exceeded', live ? lease.tokensEnd - t : this.windowMs)
    }
    if (subject.budget > 0) {
      const shared = lease.costPeriodId === lease.period.id ? lease.cost : 0
      if (shared + lease.pendingCost + lease.sendingCost >= subject.budget)
        throw refusal('budget_exceeded', lease.period.end - now)
    }
  }

  /** One store call for a caller: a lease (with a request limit) and its usage sent and re-read. */
  private call(lease: Lease): Promise<void> {
    if (lease.inFlight) return lease.inFlight
    const subject = lease.subject
    const sentAt = performance.now()
    const increments: CounterIncrement[] = []
    const want = subject.requestsPerMinute > 0 ? this.leaseSize(lease, sentAt) : 0
    if (want > 0) {
      lease.admitted = 0
      lease.askedAt = sentAt
      increments.push({
        key: subject.requestKey,
        by: want,
        ttlMs: this.windowMs,
        max: subject.requestsPerMinute,
      })
    }
    const sent = this.send(lease, increments)
    const pending = this.store.incrementMany(increments).then(
      (values) => {
        lease.inFlight = undefined
        this.failing = false
        this.rttMs = 0.8 * this.rttMs + 0.2 * (performance.now() - sentAt)
        if (want > 0) this.granted(lease, values[0]!, sentAt)
        this.synced(sent, values, want > 0 ? 1 : 0, sentAt)
        // The limiter closed while the lease was on its way: no request will draw on it here but
        // those waiting for it now (one each); the rest goes back at once.
        if (want > 0 && this.closed) return this.giveBack(this.live([lease]), lease.waiting)
      },
      (err: unknown) => {
        lease.inFlight = undefined
        this.failing = true
        this.unsent(sent)
        throw err
      },
    )
    lease.inFlight = pending
    return pending
  }

  /**
   * About `lease_ms` of this caller's recent traffic here (or four round trips, when the store is
   * slower than that), within the bounds above.
   */
  private leaseSize(lease: Lease, t: number): number {
    const limit = lease.subject.requestsPerMinute
    const elapsed = t - lease.askedAt
    lease.perMs = elapsed > 0 && elapsed < this.windowMs ? lease.admitted / elapsed : 0
    const horizon = Math.max(this.sync.lease_ms, 4 * this.rttMs)
    const byRate = Math.min(this.sync.max_lease, Math.max(1, Math.ceil(lease.perMs * horizon)))
    const left = t < lease.windowEnd ? limit - lease.lastCount : limit
    return Math.max(1, Math.min(byRate, Math.ceil(left / 4)))
  }

  /**
   * Ask for the next lease when half of this one is used, or earlier when what is left would not
   * last two round trips at the caller's rate (a slow store must not make requests wait).
   */
  private lowWater(lease: Lease): number {
    return Math.max(lease.size >> 1, Math.ceil(lease.perMs * 2 * this.rttMs))
  }

  /** Apply a reservation's answer: requests granted in which window, or the window is full. */
  private granted(lease: Lease, value: CounterValue, sentAt: number): void {
    const added = value.added ?? 0
    const end = sentAt + (value.ttlMs ?? this.windowMs)
    // The store's window ends at one moment; estimates of it differ by call latencies only, so an
    // end far past the one held means the old window expired there and a new one began: what is
    // left of the old lease was counted in the old window and must not be used in the new one.
    if (end > lease.windowEnd + this.windowMs / 2) {
      lease.left = added
      lease.windowEnd = end
    } else {
      lease.left += added
      lease.windowEnd = Math.max(lease.windowEnd, end)
    }
    lease.lastCount = value.value
    lease.size = added
    lease.storeEnd = value.windowEnd
    lease.usedAt = sentAt
    if (added === 0) lease.refusedUntil = end
    if (lease.left > 0 && lease.storeEnd !== undefined) {
      this.holding.add(lease)
      this.armIdle()
    }
  }

  /** How long a lease may sit unused before it goes back: two lease horizons. */
  private idleMs(): number {
    return 2 * Math.max(this.sync.lease_ms, 4 * this.rttMs)
  }

  private armIdle(): void {
    if (this.idleTimer !== undefined || this.closed) return
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined
      this.returnIdle()
    }, this.idleMs())
    this.idleTimer.unref()
  }

  /** Give back the leases no request drew on for `idleMs` (the caller went quiet here). */
  private returnIdle(): void {
    const t = performance.now()
    const idle: Lease[] = []
    const quiet = this.idleMs()
    for (const lease of this.holding) {
      if (lease.left <= 0 || t >= lease.windowEnd) this.holding.delete(lease)
      else if (lease.inFlight === undefined && t - lease.usedAt >= quiet) idle.push(lease)
    }
    this.giveBack(idle).catch(ignore)
    if (this.holding.size > 0) this.armIdle()
  }

  /**
   * Return what `leases` hold, less `keep` each, to the shared counters (one call), only into the
   * window each was reserved in. The requests are no longer admitted here, whatever the store
   * answers: a failed return loses them until the window ends, as a lease never returned would.
   */
  private async giveBack(leases: readonly Lease[], keep = 0): Promise<void> {
    const items: CounterGiveBack[] = []
    for (const lease of leases) {
      this.holding.delete(lease)
      const by = lease.left - keep
      if (by <= 0 || lease.storeEnd === undefined) continue
      items.push({ key: lease.subject.requestKey, by, windowEnd: lease.storeEnd })
      lease.lastCount -= by
      lease.left = keep
    }
    if (items.length === 0) return
    try {
      await this.store.giveBack(items)
    } catch (err) {
      this.report(err as Error, 'give_back')
    }
  }

  /** Move a caller's unsent usage into a call (pushing its increments). */
  private send(lease: Lease, increments: CounterIncrement[]): Sent {
    const subject = lease.subject
    let tokens: number | undefined
    let cost: number | undefined
    if (subject.tokensPerMinute > 0) {
      tokens = lease.pendingTokens
      lease.pendingTokens = 0
      lease.sendingTokens += tokens
      increments.push({ key: subject.tokenKey, by: tokens, ttlMs: this.windowMs })
    }
    if (subject.budget > 0) {
      cost = lease.pendingCost
      lease.pendingCost = 0
      lease.sendingCost += cost
      const ttlMs = Math.max(1, lease.period.end - Date.now())
      increments.push({ key: subject.costKey, by: cost, ttlMs })
    }
    return { lease, tokens, cost, costPeriodId: lease.period.id }
  }

  /** A call carrying `sent` answered: the shared totals it brought back. */
  private synced(sent: Sent, values: readonly CounterValue[], from: number, sentAt: number): void {
    const lease = sent.lease
    let i = from
    if (sent.tokens !== undefined) {
      const value = values[i++]!
      lease.sendingTokens -= sent.tokens
      lease.tokens = value.value
      lease.tokensEnd = sentAt + (value.ttlMs ?? this.windowMs)
    }
    if (sent.cost !== undefined) {
      lease.sendingCost -= sent.cost
      lease.cost = values[i]!.value
      lease.costPeriodId = sent.costPeriodId
    }
    lease.syncedAt = Math.max(lease.syncedAt, sentAt)
  }

  /** A call carrying `sent` failed: its usage goes back to be sent again. */
  private unsent(sent: Sent): void {
    const lease = sent.lease
    if (sent.tokens !== undefined) {
      lease.sendingTokens -= sent.tokens
      lease.pendingTokens += sent.tokens
    }
    if (sent.cost !== undefined) {
      lease.sendingCost -= sent.cost
      lease.pendingCost += sent.cost
    }
  }

  private armFlush(): void {
    if (this.timer !== undefined || this.closed) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.flush().catch(ignore)
    }, this.sync.flush_interval_ms)
    this.timer.unref()
  }

  /** Send every active caller's usage and re-read their totals: one call. */
  private flush(): Promise<void> {
    if (this.flushing) return this.flushing
    const increments: CounterIncrement[] = []
    const sent: Sent[] = []
    for (const lease of this.active) {
      if (sent.length >= MAX_FLUSH_CALLERS) break
      this.active.delete(lease)
      sent.push(this.send(lease, increments))
    }
    if (increments.length === 0) return Promise.resolve()
    const sentAt = performance.now()
    const counts = sent.map(
      (s) => (s.tokens === undefined ? 0 : 1) + (s.cost === undefined ? 0 : 1),
    )
    this.flushing = this.store
      .incrementMany(increments)
      .then(
        (values) => {
          this.failing = false
          let from = 0
          for (const [i, s] of sent.entries()) {
            this.synced(s, values, from, sentAt)
            from += counts[i]!
          }
        },
        (err: unknown) => {
          if (!this.failing) this.report(err as Error, 'flush')
          this.failing = true
          for (const s of sent) {
            this.unsent(s)
            this.active.add(s.lease)
          }
        },
      )
      .finally(() => {
        this.flushing = undefined
        if (this.active.size > 0) this.armFlush()
      })
    return this.flushing
  }
}
