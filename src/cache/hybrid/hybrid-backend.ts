/**
 * backend_type: hybrid (upstream's name) — an in-process vector index in front of the postgres
 * store. Searches run in memory (sub-millisecond); only a hit goes to Postgres, to fetch the document
 * by primary key. Upstream paired the index with Milvus; this build pairs it with PostgreSQL.
 *
 * The index holds vectors and ids only and is warmed from the store at start-up, then kept current by
 * this replica's own inserts and by polling for rows other replicas wrote (`sync_interval_ms`).
 * Rows deleted elsewhere are noticed when a hit finds no document and dropped from the index.
 * The index is bounded by upstream's `max_memory_entries` (default 100000).
 */
import { requireOptions, type ConfigReport } from '../../config/plugin.js'
import { MemoryBackend, memoryBackendPlugin } from '../memory/memory-backend.js'
import { hasConnection } from '../postgres/options.js'
import {
  createPostgresBackend,
  postgresBackendPlugin,
  type PostgresBackend,
} from '../postgres/postgres-backend.js'
import type {
  BackendBuildOptions,
  BackendCapabilities,
  BackendStats,
  CacheBackend,
  CacheBackendPlugin,
  Candidate,
  NewEntry,
  SearchRequest,
} from '../types.js'
import { hybridBackendSchema, type HybridBackendOptions } from './options.js'

export const HYBRID_CAPABILITIES: BackendCapabilities = {
  shared: true,
  persistent: true,
  approximate: true,
  evictionPolicies: ['fifo', 'lru', 'lfu'],
}

const DEFAULT_MAX_MEMORY_ENTRIES = 100_000
const SYNC_BATCH = 2_000

interface IndexRow {
  id: string | number
  model: string
  context: string
  embedding: string
  created_at: string | number
  expires_at: string | number | null
}

export class HybridBackend implements CacheBackend {
  readonly name: string = 'hybrid'
  readonly capabilities = HYBRID_CAPABILITIES
  private lastSeenId = 0
  private timer: NodeJS.Timeout | undefined
  private syncing: Promise<void> | null = null

  constructor(
    private readonly store: PostgresBackend,
    private readonly front: MemoryBackend,
    private readonly options: BackendBuildOptions,
    private readonly hybrid: HybridBackendOptions,
  ) {}

  /** Load the store's rows into the index, then keep polling for other replicas' rows. */
  async start(): Promise<void> {
    await this.sync()
    const interval = this.hybrid.sync_interval_ms
    if (interval > 0) {
      this.timer = setInterval(() => {
        this.sync().catch((err: unknown) =>
          this.options.log.warn(
            { event: 'hybrid_cache_sync_failed', error: String(err) },
            'hybrid_cache_sync_failed',
          ),
        )
      }, interval)
      this.timer.unref()
    }
  }

  async search(request: SearchRequest): Promise<Candidate[]> {
    const found = this.front.searchSync(request)
    if (found.length === 0) return []
    const documents = await this.store.fetch(found.map((c) => c.entry.id))
    const out: Candidate[] = []
    for (const candidate of found) {
      const entry = documents.get(candidate.entry.id)
      if (entry === undefined) this.front.delete(candidate.entry.id)
      else out.push({ entry, similarity: candidate.similarity })
    }
    return out
  }

  async insert(entry: NewEntry): Promise<string> {
    const id = await this.store.insert(entry)
    this.front.insertSync({ ...entry, query: '', response: '' }, id)
    return id
  }

  async touch(id: string): Promise<void> {
    await this.front.touch(id)
    await this.store.touch(id)
  }

  async clear(model?: string): Promise<number> {
    await this.front.clear(model)
    return this.store.clear(model)
  }

  async stats(): Promise<BackendStats> {
    const [store, front] = await Promise.all([this.store.stats(), this.front.stats()])
    return {
      entries: store.entries,
      memoryBytes: front.memoryBytes,
      details: { ...store.details, indexed_in_memory: front.entries },
    }
  }

  async ready(): Promise<void> {
    if (this.syncing) await this.syncing
    await this.front.ready()
  }

  async close(): Promise<void> {
    clearInterval(this.timer)
    if (this.syncing) await this.syncing.catch(() => {})
    await this.front.close()
    await this.store.close()
  }

  /** Pull rows with ids above the last one seen (other replicas' inserts, or everything at start). */
  sync(): Promise<void> {
    this.syncing ??= this.pull().finally(() => {
      this.syncing = null
    })
    return this.syncing
  }

  private async pull(): Promise<void> {
    await this.store.ensureSchema()
    const table = this.store.table
    for (;;) {
      const result = await this.store.sql.query<IndexRow>(
        `SELECT id, model, context, embedding::text AS embedding, created_at, expires_at
           FROM ${table}
          WHERE id > $1 AND (expires_at IS NULL OR expires_at > $2)
          ORDER BY id LIMIT ${SYNC_BATCH}`,
        [this.lastSeenId, this.options.now()],
      )
      for (const row of result.rows) {
        const id = String(row.id)
        this.lastSeenId = Math.max(this.lastSeenId, Number(row.id))
        if (this.front.has(id)) continue
        const expiresAt = row.expires_at === null ? null : Number(row.expires_at)
        const createdAt = Number(row.created_at)
        this.front.insertSync(
          {
            model: row.model,
            context: row.context,
            query: '',
            response: '',
            embedding: Float32Array.from(JSON.parse(row.embedding) as number[]),
            ttlSeconds: expiresAt === null ? 0 : (expiresAt - createdAt) / 1000,
          },
          id,
          createdAt,
        )
      }
      if (result.rows.length < SYNC_BATCH) return
    }
  }
}

/** The sections of the backends hybrid builds on (memory for the index, postgres for the store). */
function builtOn(sections: BackendBuildOptions['sections']) {
  const at = (kind: string) => ['semantic_cache', 'backend', kind]
  return {
    memory: requireOptions(memoryBackendPlugin, sections['memory'], at('memory')),
    postgres:
      sections['postgres'] === undefined
        ? undefined
        : requireOptions(postgresBackendPlugin, sections['postgres'], at('postgres')),
  }
}

export async function createHybridBackend(
  options: BackendBuildOptions,
  hybrid: HybridBackendOptions,
): Promise<HybridBackend> {
  const { memory, postgres } = builtOn(options.sections)
  const store = await createPostgresBackend(options, postgres)
  const capacity =
    options.maxMemoryEntries > 0 ? options.maxMemoryEntries : DEFAULT_MAX_MEMORY_ENTRIES
  // The front index's own evictions are not cache evictions: the rows stay in the store.
  const front = new MemoryBackend({ ...options, onEvict: () => {} }, memory, capacity)
  const backend = new HybridBackend(store, front, options, hybrid)
  try {
    await backend.start()
  } catch (err) {
    options.log.warn(
      { event: 'hybrid_cache_warmup_failed', error: String(err) },
      'hybrid_cache_warmup_failed',
    )
  }
  return backend
}

export const hybridBackendPlugin: CacheBackendPlugin<HybridBackendOptions> = {
  kind: 'hybrid',
  description: 'In-memory HNSW index in front of the PostgreSQL + pgvector store',
  optionsSchema: hybridBackendSchema,
  capabilities: HYBRID_CAPABILITIES,
  create: createHybridBackend,
  check(cache, _options, report: ConfigReport) {
    const store = postgresBackendPlugin.optionsSchema.safeParse(cache.backend['postgres'])
    if (cache.enabled && !(store.success && hasConnection(store.data)))
      report(
        'warning',
        ['semantic_cache', 'backend_type'],
        'hybrid pairs the in-memory index with PostgreSQL in this build (upstream: Milvus); without semantic_cache.backend.postgres the cache is disabled',
      )
  },
}
