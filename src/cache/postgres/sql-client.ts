/**
 * The two ways the postgres backend reaches Postgres: a `pg` pool over the wire protocol (a real
 * server, several router replicas sharing one cache), or PGlite in-process with a data directory (one
 * node that must keep its cache across restarts, no server to run). The SQL is the same for both.
 */
import { isAbsolute, resolve } from 'node:path'
import pg from 'pg'
import type { PostgresBackendOptions } from './options.js'
import { RouterError } from '../../errors.js'

export interface SqlResult<T> {
  readonly rows: T[]
  readonly rowCount: number
}

export interface SqlClient {
  /** `pg` (wire protocol) or `pglite` (embedded). */
  readonly kind: 'pg' | 'pglite'
  /** Where the data lives, without credentials (for logs and stats). */
  readonly target: string
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<SqlResult<T>>
  close(): Promise<void>
}

/** Settings applied to every session (HNSW search breadth; keep filtered scans going). */
export function sessionSettings(options: PostgresBackendOptions): string[] {
  return [
    `SET hnsw.ef_search = ${options.ef_search}`,
    `SET hnsw.iterative_scan = relaxed_order`,
    `SET statement_timeout = ${options.statement_timeout_ms}`,
  ]
}

class PgPoolClient implements SqlClient {
  readonly kind = 'pg' as const
  /** Connections that already ran the session settings. */
  private readonly prepared = new WeakSet<pg.PoolClient>()
  constructor(
    private readonly pool: pg.Pool,
    readonly target: string,
    private readonly settings: string,
  ) {}
  async query<T>(text: string, params?: unknown[]): Promise<SqlResult<T>> {
    const client = await this.pool.connect()
    let broken: Error | undefined
    try {
      if (!this.prepared.has(client)) {
        // A connection that dies while checked out emits 'error' on the client; without a
        // listener that would crash the process. The failing query reports it instead.
        client.on('error', () => {})
        this.prepared.add(client)
        await client.query(this.settings)
      }
      const result = await client.query(text, params)
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 }
    } catch (err) {
      // A connection-level failure must not go back to the pool.
      if (!(err instanceof Error && 'severity' in err)) broken = err as Error
      throw err
    } finally {
      client.release(broken)
    }
  }
  close(): Promise<void> {
    return this.pool.end()
  }
}

interface PgliteLike {
  query<T>(
    text: string,
    params?: unknown[],
  ): Promise<{ rows: T[]; affectedRows?: number | undefined }>
  exec(text: string): Promise<unknown>
  close(): Promise<void>
}

class PgliteClient implements SqlClient {
  readonly kind = 'pglite' as const
  constructor(
    private readonly db: PgliteLike,
    readonly target: string,
  ) {}
  async query<T>(text: string, params?: unknown[]): Promise<SqlResult<T>> {
    const result = await this.db.query<T>(text, params)
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length }
  }
  close(): Promise<void> {
    return this.db.close()
  }
}

export function connectionString(options: PostgresBackendOptions): string | undefined {
  if (options.connection_string !== undefined) return options.connection_string
  if (options.connection_string_env !== undefined) {
    const value = process.env[options.connection_string_env]
    if (value === undefined || value === '')
      throw new RouterError(
        'config_invalid',
        `semantic_cache.backend.postgres.connection_string_env: environment variable ${options.connection_string_env} is not set`,
      )
    return value
  }
  return undefined
}

/** Open the client the options describe. Pool connections are lazy: a down server fails later. */
export async function openSqlClient(
  options: PostgresBackendOptions,
  baseDir: string,
): Promise<SqlClient> {
  const url = connectionString(options)
  if (url !== undefined) {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.pool_size,
      connectionTimeoutMillis: Math.max(1_000, options.statement_timeout_ms),
      idleTimeoutMillis: 30_000,
    })
    // A dropped idle connection must not crash the process; the next query reports the error.
    pool.on('error', () => {})
    return new PgPoolClient(pool, redact(url), sessionSettings(options).join('; '))
  }
  if (options.data_dir !== undefined) {
    const dir =
      options.data_dir.startsWith('memory://') || isAbsolute(options.data_dir)
        ? options.data_dir
        : resolve(baseDir, options.data_dir)
    return openPglite(dir, options)
  }
  throw new RouterError(
    'config_invalid',
    'semantic_cache.backend.postgres needs connection_string, connection_string_env or data_dir',
  )
}

/** Embedded Postgres (PGlite + pgvector) on a data directory (`memory://` keeps nothing). */
export async function openPglite(dir: string, options: PostgresBackendOptions): Promise<SqlClient> {
  const [{ PGlite }, { vector }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-pgvector'),
  ])
  const db = await PGlite.create({ dataDir: dir, extensions: { vector } })
  await db.exec('CREATE EXTENSION IF NOT EXISTS vector')
  for (const statement of sessionSettings(options)) await db.exec(statement)
  return new PgliteClient(db, `pglite:${dir}`)
}

function redact(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'postgres://(unparseable)'
  }
}
