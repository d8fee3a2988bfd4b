/**
 * Min-heap of (expiresAt, id) so expired entries are found in O(log n) without scanning the cache.
 * Removal is lazy: the owner checks that a popped id still exists with the same expiry.
 */
export interface Expiry {
  readonly at: number
  readonly id: string
}

export class ExpiryHeap {
  private readonly items: Expiry[] = []

  get size(): number {
    return this.items.length
  }

  push(item: Expiry): void {
    const items = this.items
    items.push(item)
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (items[parent]!.at <= item.at) break
      items[i] = items[parent]!
      i = parent
    }
    items[i] = item
  }

  /** Pop every item with `at <= now`. */
  popDue(now: number): Expiry[] {
    const due: Expiry[] = []
    while (this.items.length > 0 && this.items[0]!.at <= now) due.push(this.pop()!)
    return due
  }

  clear(): void {
    this.items.length = 0
  }

  private pop(): Expiry | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (items.length === 0 || last === undefined) return top
    let i = 0
    const n = items.length
    for (;;) {
      const left = 2 * i + 1
      if (left >= n) break
      const right = left + 1
      const child = right < n && items[right]!.at < items[left]!.at ? right : left
      if (items[child]!.at >= last.at) break
      items[i] = items[child]!
      i = child
    }
    items[i] = last
    return top
  }
}
