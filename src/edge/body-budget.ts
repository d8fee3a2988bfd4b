/**
 * The request bytes all requests in flight may hold together (`server.max_inflight_body_bytes`),
 * shared by both transports and kept across reloads (RouterState). `max_body_bytes` bounds one
 * request; this bounds their sum, so a few concurrent maximum-size prompts cannot take the process
 * past its memory limit: a request whose body would push the total over the budget is refused with
 * 503 `server_overloaded` and `Retry-After` before more of it is read.
 *
 * A request alone is always admitted (up to max_body_bytes): the budget limits concurrency, it
 * never makes a single allowed request impossible. Counting is two integer updates per request.
 */
import { RouterError } from '../errors.js'

/** Seconds a refused client is asked to wait: large bodies in flight finish within seconds. */
const RETRY_AFTER_SECONDS = 1

export class BodyBudget {
  private held = 0

  /** Bytes held by requests in flight right now. */
  get bytes(): number {
    return this.held
  }

  /** A reservation for one request under `limit` total bytes (0 = no limit). */
  open(limit: number): BodyReservation {
    return new BodyReservation(this, limit)
  }

  /** @internal BodyReservation's accounting. */
  take(bytes: number, limit: number, alone: boolean): boolean {
    if (limit > 0 && !alone && this.held + bytes > limit) return false
    this.held += bytes
    return true
  }

  /** @internal */
  give(bytes: number): void {
    this.held -= bytes
  }
}

export class BodyReservation {
  private held = 0

  constructor(
    private readonly budget: BodyBudget,
    private readonly limit: number,
  ) {}

  /**
   * Grow this request's share to `total` bytes (called with the declared length, then with the
   * running body size); false when the budget cannot take it — nothing more is reserved then.
   */
  grow(total: number): boolean {
    if (total <= this.held) return true
    const alone = this.budget.bytes === this.held
    if (!this.budget.take(total - this.held, this.limit, alone)) return false
    this.held = total
    return true
  }

  /** Give the bytes back (the request finished or was refused); safe to call more than once. */
  release(): void {
    this.budget.give(this.held)
    this.held = 0
  }
}

export function serverOverloaded(limit: number): RouterError {
  return new RouterError(
    'server_overloaded',
    `Requests in flight already hold the limit of ${limit} body bytes (server.max_inflight_body_bytes); retry after the time in Retry-After`,
    { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } },
  )
}
