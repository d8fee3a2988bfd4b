/**
 * backend_type: postgres — one table with a pgvector HNSW index (inner product on L2-normalised
 * vectors = cosine). Shared by every router replica pointing at the same database; survives restarts.
 *
 * Every statement stands alone (no transactions): an open transaction would block all other
 * connections on PGlite, and a single statement keeps a slow replica from holding locks on a real
 * server. Capacity and TTL are therefore enforced approximately across replicas (a bound may be
 * exceeded by the number of replicas inserting at the same instant).
 */
import { RouterError } from '../../errors.js'
import type {
  BackendBuildOptions,
  BackendCapabilities,
  BackendStats,
  CacheBackend,
  CacheBackendPlugin,
  Candidate,
  EvictionPolicyName,
  NewEntry,
  SearchRequest,
  StoredEntry,
} from '../types.js'
import { hasConnection, postgresBackendSchema, type PostgresBackendOptions } from './options.js'
import { openSqlClient, type SqlClient } from './sql-client.js'

export const POSTGRES_CAPABILITIES: BackendCapabilities = {
  shared: true,
  persistent: true,
  approximate: true,
  evictionPolicies: ['fifo', 'lru', 'lfu'],
}

const VICTIM_ORDER: Record<EvictionPolicyName, string> = {
  fifo: 'id',
  lru: 'last_access_at, id',
  lfu: 'hit_count, last_access_at, id',
}

/** Recount rows at least this often even when the local estimate says there is room. */
const RECOUNT_EVERY = 64
/**
 * Refresh planner statistics after this many inserts by this process. Without statistics the
 * planner takes the (model, context) filter for very selective and sorts the whole partition
 * instead of walking the HNSW index (measured: 139 ms instead of ~1 ms at 10^4 rows). A server's
 * autovacuum does this too; embedded PGlite has no autovacuum.
 */
const ANALYZE_EVERY = 1_000
/** Delete expired rows at most this often (milliseconds). */
const PURGE_INTERVAL_MS = 10_000

interface Row {
  id: string | number
  model: string
  context: string
  query: string
  response: string
  created_at: string | number
  expires_at: string | number | null
  hit_count: number
  similarity?: number
}

export function vectorLiteral(v: Float32Array): string {
  return `[${Array.from(v).join(',')}]`
}

export class PostgresBackend implements CacheBackend {
  readonly name: string = 'postgres'
  readonly capabilities = POSTGRES_CAPABILITIES
  /** The table this store uses (the hybrid backend's sync reads it too). */
  readonly table: string
  private schemaReady: Promise<void> | null = null
  private estimatedRows = -1
  private insertsSinceCount = 0
  private lastPurge = 0
  private insertsSinceAnalyze = 0

  constructor(
    readonly sql: SqlClient,
    private readonly options: BackendBuildOptions,
    private readonly pg: PostgresBackendOptions,
  ) {
    this.table = pg.table
  }

  /** Create (or check) the table. Retried on the next operation if it fails. */
  ensureSchema(): Promise<void> {
    this.schemaReady ??= this.createSchema().catch((err: unknown) => {
      this.schemaReady = null
      throw err
    })
    return this.schemaReady
  }

  async search(request: SearchRequest): Promise<Candidate[]> {
    await this.ensureSchema()
    const result = await this.sql.query<Row>(
      `SELECT id, model, context, query, response, created_at, expires_at, hit_count,
              -(embedding <#> $1::vector) AS similarity
         FROM ${this.table}
        WHERE model = $2 AND context = $3 AND (expires_at IS NULL OR expires_at > $4)
        ORDER BY embedding <#> $1::vector
        LIMIT $5`,
      [
        vectorLiteral(request.embedding),
        request.model,
        request.context,
        this.options.now(),
        request.limit,
      ],
    )
    return result.rows
      .map((row) => ({ entry: toEntry(row), similarity: Number(row.similarity) }))
      .filter((c) => c.similarity >= request.threshold)
      .sort((a, b) => b.similarity - a.similarity)
  }

  async insert(entry: NewEntry): Promise<string> {
    await this.ensureSchema()
    const now = this.options.now()
    await this.purgeExpired(now, false)
    await this.makeRoom()
    const expiresAt = entry.ttlSeconds > 0 ? now + entry.ttlSeconds * 1000 : null
    const result = await this.sql.query<{ id: string | number }>(
      `INSERT INTO ${this.table}
         (model, context, query, response, embedding, created_at, expires_at, last_access_at)
       VALUES ($1, $2, $3, $4, $5::vector, $6, $7, $6)
       RETURNING id`,
      [
        entry.model,
        entry.context,
        entry.query,
        entry.response,
        vectorLiteral(entry.embedding),
        now,
        expiresAt,
      ],
    )
    if (this.estimatedRows >= 0) this.estimatedRows++
    if (++this.insertsSinceAnalyze >= ANALYZE_EVERY) await this.analyze()
    return String(result.rows[0]!.id)
  }

  async touch(id: string): Promise<void> {
    if (!/^\d+$/.test(id)) return
    await this.ensureSchema()
    await this.sql.query(
      `UPDATE ${this.table} SET hit_count = hit_count + 1, last_access_at = $2 WHERE id = $1`,
      [id, this.options.now()],
    )
  }

  /** Fetch entries by id (hybrid's document lookup); expired rows are left out. */
  async fetch(ids: readonly string[]): Promise<Map<string, StoredEntry>> {
    await this.ensureSchema()
    const numeric = ids.filter((id) => /^\d+$/.test(id))
    const out = new Map<string, StoredEntry>()
    if (numeric.length === 0) return out
    const result = await this.sql.query<Row>(
      `SELECT id, model, context, query, response, created_at, expires_at, hit_count
         FROM ${this.table}
        WHERE id = ANY($1::bigint[]) AND (expires_at IS NULL OR expires_at > $2)`,
      [numeric, this.options.now()],
    )
    for (const row of result.rows) out.set(String(row.id), toEntry(row))
    return out
  }

  async clear(model?: string): Promise<number> {
    await this.ensureSchema()
    const result =
      model === undefined
        ? await this.sql.query(`DELETE FROM ${this.table}`)
        : await this.sql.query(`DELETE FROM ${this.table} WHERE model = $1`, [model])
    this.estimatedRows = -1
    return result.rowCount
  }

  async stats(): Promise<BackendStats> {
    await this.ensureSchema()
    await this.purgeExpired(this.options.now(), true)
    const count = await this.sql.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM ${this.table}`,
    )
    const size = await this.sql.query<{ bytes: string | number }>(
      `SELECT pg_total_relation_size('${this.table}') AS bytes`,
    )
    const entries = Number(count.rows[0]?.n ?? 0)
    this.estimatedRows = entries
    return {
      entries,
      memoryBytes: 0,
      details: {
        target: this.sql.target,
        table: this.table,
        storage_bytes: Number(size.rows[0]?.bytes ?? 0),
        eviction_policy: this.options.evictionPolicy,
        max_entries: this.options.maxEntries,
      },
    }
  }

  /** Update the planner's statistics for the table (see ANALYZE_EVERY). */
  async analyze(): Promise<void> {
    this.insertsSinceAnalyze = 0
    await this.sql.query(`ANALYZE ${this.table}`)
  }

  close(): Promise<void> {
    return this.sql.close()
  }

  private async createSchema(): Promise<void> {
    const dim = this.options.dimension
    const pgOptions = this.pg
    const t = this.table
    if (pgOptions?.create_schema !== false) {
      await this.sql.query('CREATE EXTENSION IF NOT EXISTS vector')
      await this.sql.query(`CREATE TABLE IF NOT EXISTS ${t} (
        id bigserial PRIMARY KEY,
        model text NOT NULL,
        context text NOT NULL,
        query text NOT NULL,
        response text NOT NULL,
        embedding vector(${dim}) NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint,
        last_access_at bigint NOT NULL,
        hit_count integer NOT NULL DEFAULT 0)`)
      const m = pgOptions?.hnsw_m ?? 16
      const ef = pgOptions?.ef_construction ?? 64
      await this.sql.query(
        `CREATE INDEX IF NOT EXISTS ${t}_embedding_hnsw ON ${t}
           USING hnsw (embedding vector_ip_ops) WITH (m = ${m}, ef_construction = ${ef})`,
      )
      await this.sql.query(`CREATE INDEX IF NOT EXISTS ${t}_partition ON ${t} (model, context)`)
      await this.sql.query(
        `CREATE INDEX IF NOT EXISTS ${t}_expires ON ${t} (expires_at) WHERE expires_at IS NOT NULL`,
      )
      await this.sql.query(`CREATE INDEX IF NOT EXISTS ${t}_lru ON ${t} (last_access_at, id)`)
      await this.sql.query(
        `CREATE INDEX IF NOT EXISTS ${t}_lfu ON ${t} (hit_count, last_access_at, id)`,
      )
    }
    const column = await this.sql.query<{ dim: number }>(
      `SELECT atttypmod AS dim FROM pg_attribute
        WHERE attrelid = $1::regclass AND attname = 'embedding'`,
      [t],
    )
    await this.sql.query(`ANALYZE ${t}`)
    const actual = Number(column.rows[0]?.dim ?? -1)
    if (actual !== dim)
      throw new RouterError(
        'config_invalid',
        `semantic cache table ${t} stores vector(${actual}) but the embedder produces ${dim} dimensions; ` +
          'set semantic_cache.backend.postgres.table to a new table (or drop the old one)',
      )
  }

  private async purgeExpired(now: number, force: boolean): Promise<void> {
    if (!force && now - this.lastPurge < PURGE_INTERVAL_MS) return
    this.lastPurge = now
    const result = await this.sql.query(
      `DELETE FROM ${this.table} WHERE expires_at IS NOT NULL AND expires_at <= $1`,
      [now],
    )
    if (result.rowCount > 0) {
      this.options.onEvict('ttl', result.rowCount)
      if (this.estimatedRows >= 0)
        this.estimatedRows = Math.max(0, this.estimatedRows - result.rowCount)
    }
  }

  /** Evict until one more row fits under max_entries. */
  private async makeRoom(): Promise<void> {
    const max = this.options.maxEntries
    if (max <= 0) return
    this.insertsSinceCount++
    if (
      this.estimatedRows < 0 ||
      this.estimatedRows >= max ||
      this.insertsSinceCount >= RECOUNT_EVERY
    ) {
      await this.purgeExpired(this.options.now(), true)
      const count = await this.sql.query<{ n: string | number }>(
        `SELECT count(*) AS n FROM ${this.table}`,
      )
      this.estimatedRows = Number(count.rows[0]?.n ?? 0)
      this.insertsSinceCount = 0
    }
    const excess = this.estimatedRows - max + 1
    if (excess <= 0) return
    const result = await this.sql.query(
      `DELETE FROM ${this.table} WHERE id IN (
         SELECT id FROM ${this.table} ORDER BY ${VICTIM_ORDER[this.options.evictionPolicy]} LIMIT $1)`,
      [excess],
    )
    this.estimatedRows -= result.rowCount
    if (result.rowCount > 0) this.options.onEvict('capacity', result.rowCount)
  }
}

function toEntry(row: Row): StoredEntry {
  return {
    id: String(row.id),
    model: row.model,
    context: row.context,
    query: row.query,
    response: row.response,
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    hitCount: Number(row.hit_count),
  }
}

export async function createPostgresBackend(
  options: BackendBuildOptions,
  pg: PostgresBackendOptions | undefined,
): Promise<PostgresBackend> {
  if (pg === undefined)
    throw new RouterError(
      'config_invalid',
      'semantic_cache.backend.postgres is required (connection_string, connection_string_env or data_dir)',
    )
  const sql = await openSqlClient(pg, options.baseDir)
  const backend = new PostgresBackend(sql, options, pg)
  // Try the schema now so configuration mistakes show at start-up; an unreachable server is retried.
  await backend.ensureSchema().catch(async (err: unknown) => {
    if (err instanceof RouterError) {
      await sql.close().catch(() => {})
      throw err
    }
    options.log.warn(
      { event: 'cache_backend_unreachable', backend: 'postgres', error: String(err) },
      'cache_backend_unreachable',
    )
  })
  return backend
}

export const postgresBackendPlugin: CacheBackendPlugin<PostgresBackendOptions> = {
  kind: 'postgres',
  description: 'PostgreSQL + pgvector (HNSW), via pg over the network or embedded PGlite',
  optionsSchema: postgresBackendSchema,
  capabilities: POSTGRES_CAPABILITIES,
  create: createPostgresBackend,
  check(_cache, options, report) {
    if (!hasConnection(options))
      report(
        'error',
        ['semantic_cache', 'backend', 'postgres'],
        'needs connection_string, connection_string_env or data_dir for backend_type postgres',
      )
  },
}
