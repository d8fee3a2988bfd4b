/**
 * Cache backend benchmark: insert rate, lookup p50/p99, recall against exact search, bytes per entry,
 * at several cache sizes, for memory / postgres / hybrid. Prints one JSON document.
 *
 *   node --import tsx bench/cache/backends.ts --backend memory --sizes 10000,100000 --queries 1000
 *   node --import tsx bench/cache/backends.ts --backend memory --sizes 1000000 --out mem-1e6.json
 *   node --import tsx bench/cache/backends.ts --backend postgres --sizes 100000 --out pg-1e5.json
 *
 * Loading is bulk: the memory backend's synchronous insert then one graph build; postgres gets
 * multi-row INSERTs with its HNSW index dropped, then the index built once over the loaded table
 * (what pgvector recommends for an initial load; the backend's own insert path is measured
 * separately with `--insert-sample` single inserts into the built index). RSS is reported for this
 * process and, for postgres, for the database server's process.
 *
 * Vectors are seeded and 384-dimensional (the MiniLM size). `--data clustered` (default) draws them
 * around √N topic centres (cosine ≈ 0.5 to the centre), which is how sentence embeddings are spread;
 * `--data uniform` draws them uniformly on the sphere, the worst case for a graph index (no structure,
 * every point nearly equidistant). "Hit" queries are stored vectors perturbed to cosine 0.9 (what a
 * paraphrase looks like); their exact nearest neighbour is checked by brute force on a sample.
 * "Fresh" queries are new points from the same distribution (what a miss looks like); recall@1 is
 * measured against brute-force exact search on a sample.
 * The postgres server (PGlite + pgvector behind pglite-socket) runs in a child process, so lookups
 * cross a real socket and the server's CPU is not the benchmark's.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { writeFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import os from 'node:os'
import type { HybridBackend } from '../../src/cache/hybrid/hybrid-backend.js'
import { createHybridBackend } from '../../src/cache/hybrid/hybrid-backend.js'
import { MemoryBackend } from '../../src/cache/memory/memory-backend.js'
import {
  createPostgresBackend,
  vectorLiteral,
  type PostgresBackend,
} from '../../src/cache/postgres/postgres-backend.js'
import type { BackendBuildOptions, CacheBackend } from '../../src/cache/types.js'
import { memoryBackendSchema } from '../../src/cache/memory/options.js'
import { postgresBackendSchema } from '../../src/cache/postgres/options.js'
import { silentLogger } from '../../src/log.js'
import { dot, randomUnit, seededRandom, withSimilarity } from '../../test/cache/vectors.js'

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'memory' },
    sizes: { type: 'string', default: '10000' },
    queries: { type: 'string', default: '1000' },
    dim: { type: 'string', default: '384' },
    'exact-sample': { type: 'string', default: '50' },
    'insert-sample': { type: 'string', default: '2000' },
    'ef-construction': { type: 'string' },
    'ef-search': { type: 'string' },
    data: { type: 'string', default: 'clustered' },
    'maintenance-work-mem': { type: 'string', default: '1GB' },
    out: { type: 'string' },
  },
})

const DIM = Number(args.dim)
const QUERIES = Number(args.queries)
const EXACT_SAMPLE = Number(args['exact-sample'])
const INSERT_SAMPLE = Number(args['insert-sample'])
const backendName = args.backend
const MAINTENANCE_WORK_MEM = args['maintenance-work-mem']

/** A point generator for the chosen data shape. */
function generator(size: number, rand: () => number): () => Float32Array {
  if (args.data === 'uniform') return () => randomUnit(DIM, rand)
  const centres = Array.from({ length: Math.max(1, Math.round(Math.sqrt(size))) }, () =>
    randomUnit(DIM, rand),
  )
  return () => withSimilarity(centres[Math.floor(rand() * centres.length)]!, 0.5, rand)
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

const memoryOptions = memoryBackendSchema.parse({
  ...(args['ef-construction'] ? { ef_construction: Number(args['ef-construction']) } : {}),
  ...(args['ef-search'] ? { ef_search: Number(args['ef-search']) } : {}),
})
const pgOptions = (table: string, url: string | undefined) =>
  url ? postgresBackendSchema.parse({ connection_string: url, table }) : undefined

function options(table: string, url?: string): BackendBuildOptions {
  return {
    dimension: DIM,
    maxEntries: 0,
    evictionPolicy: 'fifo',
    useHnsw: true,
    sections: { memory: memoryOptions, postgres: pgOptions(table, url) },
    maxMemoryEntries: 2_000_000,
    backendConfigPath: undefined,
    baseDir: process.cwd(),
    log: silentLogger(),
    now: Date.now,
    onEvict: () => {},
  }
}

interface Server {
  url: string
  child: ChildProcess
}

async function startServer(): Promise<Server> {
  const child = fork(join(import.meta.dirname, 'pglite-server.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve(m as string))
    child.once('exit', (code) => reject(new Error(`pglite server exited ${String(code)}`)))
  })
  return { url, child }
}

/** The database server's resident set now and at its peak, in MiB (asked over IPC). */
function serverRss(server: Server): Promise<{ rss_mb: number; peak_rss_mb: number }> {
  return new Promise((resolve) => {
    server.child.once('message', (m) => resolve(m as { rss_mb: number; peak_rss_mb: number }))
    server.child.send('rss')
  })
}

function ownRss(): { rss_mb: number; peak_rss_mb: number } {
  return {
    rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  }
}

const BULK_ROWS = 500

/**
 * Bulk-load rows straight into the backend's table: HNSW index dropped, multi-row INSERTs, then the
 * index rebuilt with the backend's own definition (the measured insert path is backend.insert).
 */
async function bulkLoadPostgres(backend: PostgresBackend, vectors: Float32Array[], table: string) {
  const sql = backend.sql
  const index = await sql.query<{ def: string }>(
    `SELECT indexdef AS def FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%USING hnsw%'`,
    [table],
  )
  const indexDef = index.rows[0]?.def
  if (indexDef === undefined) throw new Error(`no HNSW index on ${table}`)
  await sql.query(`DROP INDEX ${table}_embedding_hnsw`)
  const now = Date.now()
  const started = performance.now()
  for (let start = 0; start < vectors.length; start += BULK_ROWS) {
    const rows: string[] = []
    const params: unknown[] = []
    for (let i = start; i < Math.min(vectors.length, start + BULK_ROWS); i++) {
      params.push(`q${i}`, vectorLiteral(vectors[i]!))
      rows.push(
        `('bench', '', $${params.length - 1}, '{}', $${params.length}::vector, ${now}, NULL, ${now})`,
      )
    }
    await sql.query(
      `INSERT INTO ${table} (model, context, query, response, embedding, created_at, expires_at, last_access_at) VALUES ${rows.join(',')}`,
      params,
    )
    if ((start / BULK_ROWS) % 100 === 99) progress(`inserted ${start + BULK_ROWS}`, started)
  }
  const loadSeconds = (performance.now() - started) / 1000
  progress(`inserted ${vectors.length}; building the HNSW index`, started)
  const indexStarted = performance.now()
  // The graph is built in memory when it fits in maintenance_work_mem (far faster than on disk).
  await sql.query(`SET maintenance_work_mem = '${MAINTENANCE_WORK_MEM}'`)
  await sql.query(indexDef)
  await sql.query(`RESET maintenance_work_mem`)
  const indexSeconds = (performance.now() - indexStarted) / 1000
  return { loadSeconds, indexSeconds }
}

function progress(what: string, since: number): void {
  process.stderr.write(
    `${backendName}: ${what} (${Math.round((performance.now() - since) / 1000)} s)\n`,
  )
}

async function build(size: number, vectors: Float32Array[], url?: string) {
  const table = `bench_${size}_${Date.now()}`
  const opts = options(table, url)
  const heapBefore = process.memoryUsage()
  const started = performance.now()
  let backend: CacheBackend
  let phases: { loadSeconds: number; indexSeconds: number }
  if (backendName === 'memory') {
    const memory = new MemoryBackend(opts, memoryOptions)
    for (const [i, v] of vectors.entries())
      memory.insertSync({
        model: 'bench',
        context: '',
        query: `q${i}`,
        embedding: v,
        response: '{}',
        ttlSeconds: 0,
      })
    const loadSeconds = (performance.now() - started) / 1000
    progress(`inserted ${size}; building the HNSW graph`, started)
    const indexStarted = performance.now()
    const alive = setInterval(() => progress('building the HNSW graph', started), 60_000)
    await memory.ready().finally(() => clearInterval(alive))
    phases = { loadSeconds, indexSeconds: (performance.now() - indexStarted) / 1000 }
    backend = memory
  } else {
    const pg = await createPostgresBackend(opts, pgOptions(table, url))
    phases = await bulkLoadPostgres(pg, vectors, table)
    await pg.analyze() // what autovacuum (or the backend itself, every 1000 inserts) does
    if (backendName === 'hybrid') {
      await pg.close()
      const hybrid: HybridBackend = await createHybridBackend(opts, { sync_interval_ms: 0 })
      await hybrid.ready()
      backend = hybrid
    } else backend = pg
  }
  const buildSeconds = (performance.now() - started) / 1000
  progress('built', started)
  const heapAfter = process.memoryUsage()
  const stats = await backend.stats()
  return { backend, buildSeconds, phases, heapBefore, heapAfter, stats }
}

async function measureSize(size: number, server?: Server) {
  const rand = seededRandom(size)
  const next = generator(size, rand)
  const vectors = Array.from({ length: size }, next)
  const built = await build(size, vectors, server?.url)
  const rssAfterBuild = {
    bench_process: ownRss(),
    ...(server ? { database_server: await serverRss(server) } : {}),
  }
  const { backend } = built

  // Hit-like queries: a stored vector perturbed to cosine 0.9.
  const targets = Array.from({ length: QUERIES }, () => Math.floor(rand() * size))
  const hitQueries = targets.map((t) => withSimilarity(vectors[t]!, 0.9, rand))
  const latencies: number[] = []
  let hitCorrect = 0
  for (const [i, q] of hitQueries.entries()) {
    const t0 = performance.now()
    const found = await backend.search({
      model: 'bench',
      context: '',
      embedding: q,
      threshold: 0,
      limit: 4,
    })
    latencies.push(performance.now() - t0)
    if (found[0]?.entry.query === `q${targets[i]}`) hitCorrect++
  }
  // Check that the perturbed vector's exact nearest neighbour really is its source (sample).
  let groundTruthHolds = 0
  for (let i = 0; i < Math.min(EXACT_SAMPLE, QUERIES); i++)
    if (exactTop1(vectors, hitQueries[i]!) === targets[i]) groundTruthHolds++

  // Miss-like queries: fresh random vectors, recall@1 against brute force on a sample.
  const missLatencies: number[] = []
  let randomCorrect = 0
  const randomSample = Math.min(EXACT_SAMPLE, QUERIES)
  for (let i = 0; i < QUERIES; i++) {
    const q = next()
    const t0 = performance.now()
    const found = await backend.search({
      model: 'bench',
      context: '',
      embedding: q,
      threshold: 0,
      limit: 4,
    })
    missLatencies.push(performance.now() - t0)
    if (i < randomSample && found[0]?.entry.query === `q${exactTop1(vectors, q)}`) randomCorrect++
  }

  // Insert rate through the backend's own insert path.
  const extra = Array.from({ length: INSERT_SAMPLE }, () => randomUnit(DIM, rand))
  const t0 = performance.now()
  for (const v of extra)
    await backend.insert({
      model: 'bench',
      context: '',
      query: 'x',
      embedding: v,
      response: '{}',
      ttlSeconds: 0,
    })
  const insertSeconds = (performance.now() - t0) / 1000

  latencies.sort((a, b) => a - b)
  missLatencies.sort((a, b) => a - b)
  const details = built.stats.details ?? {}
  const storage = Number(details['storage_bytes'] ?? 0)
  const result = {
    size,
    build_seconds: round(built.buildSeconds),
    bulk_load: {
      rows_per_second: Math.round(size / built.phases.loadSeconds),
      rows_per_second_including_index: Math.round(size / built.buildSeconds),
      load_seconds: round(built.phases.loadSeconds),
      index_build_seconds: round(built.phases.indexSeconds),
    },
    rss_mb_after_build: rssAfterBuild,
    lookup_hit_ms: {
      p50: round(percentile(latencies, 50)),
      p99: round(percentile(latencies, 99)),
      mean: round(latencies.reduce((a, b) => a + b, 0) / latencies.length),
    },
    lookup_fresh_ms: {
      p50: round(percentile(missLatencies, 50)),
      p99: round(percentile(missLatencies, 99)),
    },
    recall_at_1_hit_queries: round(hitCorrect / QUERIES),
    hit_query_ground_truth_checked: `${groundTruthHolds}/${Math.min(EXACT_SAMPLE, QUERIES)}`,
    recall_at_1_fresh_queries: round(randomCorrect / randomSample),
    insert_per_second: Math.round(INSERT_SAMPLE / insertSeconds),
    bytes_per_entry: {
      reported: Math.round(built.stats.memoryBytes / size),
      heap_and_external_delta: Math.round(
        (built.heapAfter.heapUsed +
          built.heapAfter.external +
          built.heapAfter.arrayBuffers -
          built.heapBefore.heapUsed -
          built.heapBefore.external -
          built.heapBefore.arrayBuffers) /
          size,
      ),
      rss_delta: Math.round((built.heapAfter.rss - built.heapBefore.rss) / size),
      ...(storage > 0 ? { postgres_relation: Math.round(storage / size) } : {}),
    },
    details,
  }
  await backend.close()
  return result
}

function exactTop1(vectors: Float32Array[], q: Float32Array): number {
  let best = -Infinity
  let arg = -1
  for (let i = 0; i < vectors.length; i++) {
    const s = dot(vectors[i]!, q)
    if (s > best) {
      best = s
      arg = i
    }
  }
  return arg
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000
}

async function main() {
  const server = backendName === 'memory' ? undefined : await startServer()
  const results = []
  try {
    for (const size of args.sizes.split(',').map(Number)) {
      const r = await measureSize(size, server)
      process.stderr.write(`${backendName} ${size}: ${JSON.stringify(r.lookup_hit_ms)}\n`)
      results.push(r)
    }
  } finally {
    server?.child.kill()
  }
  const doc = {
    benchmark: 'semantic-cache-backends',
    backend: backendName,
    dimension: DIM,
    data: args.data,
    queries: QUERIES,
    command: `node --import tsx bench/cache/backends.ts ${process.argv.slice(2).join(' ')}`,
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavg: os.loadavg() },
    node: process.version,
    results,
  }
  const text = JSON.stringify(doc, null, 2)
  if (args.out) {
    mkdirSync(dirname(args.out), { recursive: true })
    writeFileSync(args.out, `${text}\n`)
  }
  process.stdout.write(`${text}\n`)
}

await main()
