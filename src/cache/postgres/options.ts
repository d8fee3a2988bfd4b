/**
 * The postgres backend's own options, validated when a config is loaded (the cache backend registry
 * checks `semantic_cache.backend.postgres` with this schema). docs/semantic-cache.md documents them.
 */
import { z } from 'zod'

const positiveInt = z.number().int().positive()

/** `semantic_cache.backend.postgres` (ours): also the store behind hybrid. */
export const postgresBackendSchema = z.strictObject({
  /** `postgres://user:pass@host:5432/db`. Omit it (and set data_dir) for the embedded mode. */
  connection_string: z.string().min(1).optional(),
  /** Environment variable holding the connection string (keeps passwords out of the file). */
  connection_string_env: z.string().min(1).optional(),
  /** Embedded mode: PGlite (Postgres in WASM) persisting to this directory; `memory://` for none. */
  data_dir: z.string().min(1).optional(),
  table: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
    .default('semantic_cache'),
  pool_size: positiveInt.default(4),
  /** Create the extension, table and indexes when missing. */
  create_schema: z.boolean().default(true),
  hnsw_m: positiveInt.default(16),
  ef_construction: positiveInt.default(64),
  ef_search: positiveInt.default(64),
  /** Postgres-side statement timeout (the router-side bypass timeouts apply as well). */
  statement_timeout_ms: positiveInt.default(2_000),
})

export type PostgresBackendOptions = z.infer<typeof postgresBackendSchema>

/** Options that say where the database is (a server, an environment variable, or embedded). */
export function hasConnection(options: PostgresBackendOptions | undefined): boolean {
  return (
    options !== undefined &&
    (options.connection_string ?? options.connection_string_env ?? options.data_dir) !== undefined
  )
}
