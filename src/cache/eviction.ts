/**
 * Eviction order for in-process stores, all O(1) per operation:
 *  - fifo: oldest insertion first (upstream: oldest Timestamp);
 *  - lru: least recently inserted-or-hit first (upstream: oldest LastAccessAt);
 *  - lfu: fewest hits first, least recently used among equals (upstream: lowest HitCount, LRU tie-break).
 * Map and Set iterate in insertion order, which is what makes these O(1).
 */
import type { EvictionPolicyName } from './types.js'

export interface EvictionPolicy<K> {
  readonly name: EvictionPolicyName
  inserted(key: K): void
  accessed(key: K): void
  removed(key: K): void
  /** The key to evict next, or undefined when empty. */
  victim(): K | undefined
}

class FifoPolicy<K> implements EvictionPolicy<K> {
  readonly name: EvictionPolicyName = 'fifo'
  protected readonly order = new Set<K>()
  inserted(key: K): void {
    this.order.add(key)
  }
  accessed(_key: K): void {}
  removed(key: K): void {
    this.order.delete(key)
  }
  victim(): K | undefined {
    return this.order.values().next().value
  }
}

class LruPolicy<K> extends FifoPolicy<K> {
  override readonly name: EvictionPolicyName = 'lru'
  override accessed(key: K): void {
    if (this.order.delete(key)) this.order.add(key)
  }
}

class LfuPolicy<K> implements EvictionPolicy<K> {
  readonly name: EvictionPolicyName = 'lfu'
  private readonly counts = new Map<K, number>()
  /** count → keys with that count, least recently touched first. */
  private readonly buckets = new Map<number, Set<K>>()
  private minCount = 0

  inserted(key: K): void {
    this.removed(key)
    this.counts.set(key, 0)
    this.bucket(0).add(key)
    this.minCount = 0
  }
  accessed(key: K): void {
    const count = this.counts.get(key)
    if (count === undefined) return
    this.detach(key, count)
    this.counts.set(key, count + 1)
    this.bucket(count + 1).add(key)
    if (this.minCount === count && !this.buckets.has(count)) this.minCount = count + 1
  }
  removed(key: K): void {
    const count = this.counts.get(key)
    if (count === undefined) return
    this.counts.delete(key)
    this.detach(key, count)
  }
  victim(): K | undefined {
    if (this.counts.size === 0) return undefined
    let bucket = this.buckets.get(this.minCount)
    if (bucket === undefined) {
      // minCount went stale after a removal; recompute (rare: only after removals).
      this.minCount = Math.min(...this.buckets.keys())
      bucket = this.buckets.get(this.minCount)
    }
    return bucket?.values().next().value
  }
  private bucket(count: number): Set<K> {
    let set = this.buckets.get(count)
    if (set === undefined) {
      set = new Set()
      this.buckets.set(count, set)
    }
    return set
  }
  private detach(key: K, count: number): void {
    const set = this.buckets.get(count)
    if (set === undefined) return
    set.delete(key)
    if (set.size === 0) this.buckets.delete(count)
  }
}

export function createEvictionPolicy<K>(name: EvictionPolicyName): EvictionPolicy<K> {
  switch (name) {
    case 'fifo':
      return new FifoPolicy<K>()
    case 'lru':
      return new LruPolicy<K>()
    case 'lfu':
      return new LfuPolicy<K>()
  }
}
