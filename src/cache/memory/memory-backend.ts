/**
 * backend_type: memory — entries in this process, one VectorIndex per partition (model + context),
 * bounded by max_entries with FIFO/LRU/LFU eviction, per-entry TTL via an expiry heap.
 */
import { createEvictionPolicy, type EvictionPolicy } from '../eviction.js'
import type {
  BackendBuildOptions,
  BackendCapabilities,
  BackendStats,
  CacheBackend,
  CacheBackendPlugin,
  Candidate,
  NewEntry,
  SearchRequest,
  StoredEntry,
} from '../types.js'
import { ExpiryHeap } from './expiry-heap.js'
import { memoryBackendSchema, type MemoryBackendOptions } from './options.js'
import { VectorIndex, type VectorIndexOptions } from './vector-index.js'

interface MemoryEntry {
  id: string
  label: number
  partition: string
  model: string
  context: string
  query: string
  response: string
  createdAt: number
  expiresAt: number | null
  hitCount: number
}

export const MEMORY_CAPABILITIES: BackendCapabilities = {
  shared: false,
  persistent: false,
  approximate: true,
  evictionPolicies: ['fifo', 'lru', 'lfu'],
}

export function partitionId(model: string, context: string): string {
  return `${model}\u0000${context}`
}

export class MemoryBackend implements CacheBackend {
  readonly name: string = 'memory'
  readonly capabilities = MEMORY_CAPABILITIES
  private readonly entries = new Map<string, MemoryEntry>()
  private readonly byLabel = new Map<number, MemoryEntry>()
  private readonly partitions = new Map<string, VectorIndex>()
  private readonly policy: EvictionPolicy<string>
  private readonly expiries = new ExpiryHeap()
  private readonly indexOptions: VectorIndexOptions
  private nextLabel = 0

  constructor(
    private readonly options: BackendBuildOptions,
    memory: MemoryBackendOptions,
    /** Entry bound for this store (hybrid passes max_memory_entries). */
    private readonly capacity = options.maxEntries,
  ) {
    this.policy = createEvictionPolicy(options.evictionPolicy)
    this.indexOptions = {
      dimension: options.dimension,
      exactBelow: memory.exact_search_below,
      useHnsw: options.useHnsw,
      // Ours first, then upstream's top-level hnsw_m / hnsw_ef_construction, then the defaults.
      m: memory.hnsw_m ?? options.hnswM ?? 16,
      efConstruction: memory.ef_construction ?? options.hnswEfConstruction ?? 200,
      efSearch: memory.ef_search,
    }
  }

  search(request: SearchRequest): Promise<Candidate[]> {
    return Promise.resolve(this.searchSync(request))
  }

  searchSync(request: SearchRequest): Candidate[] {
    this.expire()
    const index = this.partitions.get(partitionId(request.model, request.context))
    if (index === undefined) return []
    const out: Candidate[] = []
    for (const n of index.search(request.embedding, request.limit)) {
      if (n.similarity < request.threshold) break
      const entry = this.byLabel.get(n.label)
      if (entry !== undefined) out.push({ entry: snapshot(entry), similarity: n.similarity })
    }
    return out
  }

  insert(entry: NewEntry): Promise<string> {
    return Promise.resolve(this.insertSync(entry))
  }

  /** Insert with a caller-chosen id (hybrid mirrors the store's ids). */
  insertSync(entry: NewEntry, id?: string, createdAt?: number): string {
    this.expire()
    if (id !== undefined && this.entries.has(id)) this.removeEntry(this.entries.get(id)!)
    if (this.capacity > 0) {
      let evicted = 0
      while (this.entries.size >= this.capacity) {
        const victim = this.policy.victim()
        if (victim === undefined) break
        this.removeEntry(this.entries.get(victim)!)
        evicted++
      }
      if (evicted > 0) this.options.onEvict('capacity', evicted)
    }
    const now = this.options.now()
    const label = this.nextLabel++
    const partition = partitionId(entry.model, entry.context)
    const stored: MemoryEntry = {
      id: id ?? `m${label}`,
      label,
      partition,
      model: entry.model,
      context: entry.context,
      query: entry.query,
      response: entry.response,
      createdAt: createdAt ?? now,
      expiresAt: entry.ttlSeconds > 0 ? (createdAt ?? now) + entry.ttlSeconds * 1000 : null,
      hitCount: 0,
    }
    let index = this.partitions.get(partition)
    if (index === undefined) {
      index = new VectorIndex(this.indexOptions)
      this.partitions.set(partition, index)
    }
    index.add(label, entry.embedding)
    this.entries.set(stored.id, stored)
    this.byLabel.set(label, stored)
    this.policy.inserted(stored.id)
    if (stored.expiresAt !== null) this.expiries.push({ at: stored.expiresAt, id: stored.id })
    return stored.id
  }

  touch(id: string): Promise<void> {
    const entry = this.entries.get(id)
    if (entry !== undefined) {
      entry.hitCount++
      this.policy.accessed(id)
    }
    return Promise.resolve()
  }

  has(id: string): boolean {
    return this.entries.has(id)
  }

  /** Remove one entry by id (hybrid: the store no longer has it). */
  delete(id: string): boolean {
    const entry = this.entries.get(id)
    if (entry === undefined) return false
    this.removeEntry(entry)
    return true
  }

  clear(model?: string): Promise<number> {
    let removed = 0
    for (const entry of [...this.entries.values()]) {
      if (model !== undefined && entry.model !== model) continue
      this.removeEntry(entry)
      removed++
    }
    if (this.entries.size === 0) this.expiries.clear()
    return Promise.resolve(removed)
  }

  stats(): Promise<BackendStats> {
    this.expire()
    let indexBytes = 0
    let approximatePartitions = 0
    for (const index of this.partitions.values()) {
      indexBytes += index.bytes()
      if (index.approximate) approximatePartitions++
    }
    let textBytes = 0
    for (const e of this.entries.values())
      textBytes += 2 * (e.query.length + e.response.length + e.model.length) + 120
    return Promise.resolve({
      entries: this.entries.size,
      memoryBytes: indexBytes + textBytes,
      details: {
        partitions: this.partitions.size,
        approximate_partitions: approximatePartitions,
        eviction_policy: this.policy.name,
        max_entries: this.capacity,
      },
    })
  }

  /** Resolves when every partition's background graph build has finished. */
  async ready(): Promise<void> {
    await Promise.all([...this.partitions.values()].map((p) => p.ready()))
  }

  close(): Promise<void> {
    for (const index of this.partitions.values()) index.close()
    this.partitions.clear()
    this.entries.clear()
    this.byLabel.clear()
    this.expiries.clear()
    return Promise.resolve()
  }

  private expire(): void {
    const due = this.expiries.popDue(this.options.now())
    let expired = 0
    for (const item of due) {
      const entry = this.entries.get(item.id)
      if (entry === undefined || entry.expiresAt !== item.at) continue
      this.removeEntry(entry)
      expired++
    }
    if (expired > 0) this.options.onEvict('ttl', expired)
  }

  private removeEntry(entry: MemoryEntry): void {
    this.entries.delete(entry.id)
    this.byLabel.delete(entry.label)
    this.policy.removed(entry.id)
    const index = this.partitions.get(entry.partition)
    if (index === undefined) return
    index.remove(entry.label)
    if (index.size === 0) {
      index.close()
      this.partitions.delete(entry.partition)
    }
  }
}

function snapshot(entry: MemoryEntry): StoredEntry {
  return {
    id: entry.id,
    model: entry.model,
    context: entry.context,
    query: entry.query,
    response: entry.response,
    createdAt: entry.createdAt,
    expiresAt: entry.expiresAt,
    hitCount: entry.hitCount,
  }
}

export const memoryBackendPlugin: CacheBackendPlugin<MemoryBackendOptions> = {
  kind: 'memory',
  description:
    'In-process: exact scan for small partitions, HNSW (hnswlib-node) above; FIFO/LRU/LFU; TTL',
  optionsSchema: memoryBackendSchema,
  capabilities: MEMORY_CAPABILITIES,
  create: (build, options) => Promise.resolve(new MemoryBackend(build, options)),
}
