/**
 * A real Postgres wire-protocol server for tests: PGlite (Postgres 18 in WASM) with pgvector, served on
 * 127.0.0.1 by pglite-socket. Start one per test file (start-up takes a couple of seconds).
 */
import { PGlite } from '@electric-sql/pglite'
import { vector } from '@electric-sql/pglite-pgvector'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

export interface PgliteServer {
  readonly url: string
  readonly db: PGlite
  /** Stop accepting connections and drop the open ones (simulates a database outage). */
  stop(): Promise<void>
  /** Serve the same database again on the same port. */
  restart(): Promise<void>
  close(): Promise<void>
}

export async function startPgliteServer(dataDir?: string): Promise<PgliteServer> {
  const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { vector } })
  let server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 })
  await server.start()
  const port = Number(server.getServerConn().split(':').pop())
  let running = true
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    db,
    async stop() {
      if (!running) return
      running = false
      await server.stop()
    },
    async restart() {
      if (running) return
      server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 16 })
      await server.start()
      running = true
    },
    async close() {
      if (running) await server.stop()
      running = false
      await db.close()
    },
  }
}
