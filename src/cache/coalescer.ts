/**
 * Identical concurrent misses: the first request (the leader) goes upstream; the others (followers)
 * wait, bounded, for its answer instead of sending the same prompt upstream again. A leader that never
 * settles (client gone, crash in between) frees its key when the wait bound passes, so followers
 * never wait longer than `waitMs`.
 */

export type Join =
  | { readonly role: 'leader'; readonly settle: (answer: string | undefined) => void }
  | { readonly role: 'follower'; readonly answer: Promise<string | undefined> }

interface Flight {
  readonly answer: Promise<string | undefined>
  resolve(answer: string | undefined): void
  timer: NodeJS.Timeout
}

export class Coalescer {
  private readonly flights = new Map<string, Flight>()

  /** Number of keys with a leader in flight (for tests and stats). */
  get inFlight(): number {
    return this.flights.size
  }

  join(key: string, waitMs: number): Join {
    const existing = this.flights.get(key)
    if (existing !== undefined) return { role: 'follower', answer: existing.answer }
    let resolve!: (answer: string | undefined) => void
    const answer = new Promise<string | undefined>((r) => (resolve = r))
    const flight: Flight = {
      answer,
      resolve,
      timer: setTimeout(() => this.finish(key, flight, undefined), waitMs),
    }
    this.flights.set(key, flight)
    return { role: 'leader', settle: (value) => this.finish(key, flight, value) }
  }

  private finish(key: string, flight: Flight, answer: string | undefined): void {
    clearTimeout(flight.timer)
    if (this.flights.get(key) === flight) this.flights.delete(key)
    flight.resolve(answer)
  }
}

/**
 * Longest question whose case and spacing are normalised for the key; a longer one (a pasted
 * document) joins only an identical one, so building its key is one copy, not a whole-text regex
 * pass and lowercase copy on the event loop.
 */
const NORMALISED_MAX_CHARS = 16_384

/** The coalescing key: partition plus the question with case and spacing normalised. */
export function coalesceKey(model: string, context: string, query: string): string {
  const question =
    query.length > NORMALISED_MAX_CHARS
      ? `=${query}`
      : query.trim().replace(/\s+/g, ' ').toLowerCase()
  return `${model}\u0000${context}\u0000${question}`
}
