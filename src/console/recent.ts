/** The most recent finished requests, newest last, bounded; looked up by request id. */
import type { DecisionEvent } from '../runtime/events.js'

export class RecentDecisions {
  private capacity: number
  private ring: DecisionEvent[] = []
  private readonly byId = new Map<string, DecisionEvent>()

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity)
  }

  add(e: DecisionEvent): void {
    this.ring.push(e)
    this.byId.set(e.id, e)
    if (this.ring.length > this.capacity * 2) this.trim()
  }

  get(id: string): DecisionEvent | undefined {
    const e = this.byId.get(id)
    // Trimming is lazy: an id still indexed but past the capacity is treated as gone.
    return e && this.ring.indexOf(e) >= this.ring.length - this.capacity ? e : undefined
  }

  /** Newest `limit` events, oldest first. */
  latest(limit = this.capacity): DecisionEvent[] {
    return this.ring.slice(-Math.min(limit, this.capacity))
  }

  resize(capacity: number): void {
    this.capacity = Math.max(1, capacity)
    this.trim()
  }

  clear(): void {
    this.ring = []
    this.byId.clear()
  }

  private trim(): void {
    const drop = this.ring.length - this.capacity
    if (drop <= 0) return
    for (const e of this.ring.slice(0, drop)) if (this.byId.get(e.id) === e) this.byId.delete(e.id)
    this.ring = this.ring.slice(drop)
  }
}
