/**
 * A real Postgres wire-protocol server for tests: PGlite (Postgres 18 in WASM) with pgvector, served on
 * 127.0.0.1 by pglite-socket. Start one per test file.
 *
 * A fresh in-memory database starts from a template data directory (initdb done and pgvector
 * created) kept in the OS temp folder: creating a cluster from scratch takes 2–7 s of CPU, loading
 * the template under a second. The template is keyed by the PGlite and pgvector package versions
 * and rebuilt when missing or unloadable.
 */
import { PGlite } from '@electric-sql/pglite'
import { vector } from '@electric-sql/pglite-pgvector'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { readFile, rename, writeFile } from 'node:fs/promises'
import type { Server, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

function templatePath(): string {
  const hash = createHash('sha256')
  for (const pkg of ['@electric-sql/pglite', '@electric-sql/pglite-pgvector']) {
    try {
      hash.update(readFileSync(join(process.cwd(), 'node_modules', pkg, 'package.json')))
    } catch {
      hash.update(`${pkg}:unknown`)
    }
  }
  return join(tmpdir(), `semantic-router-pglite-template-${hash.digest('hex').slice(0, 16)}.tar`)
}

async function freshDatabase(): Promise<PGlite> {
  const path = templatePath()
  const template = await readFile(path).catch(() => undefined)
  if (template !== undefined) {
    try {
      return await PGlite.create({ extensions: { vector }, loadDataDir: new Blob([template]) })
    } catch {
      // Unloadable (truncated or from another build): make a new one below.
    }
  }
  const db = await PGlite.create({ extensions: { vector } })
  await db.query('CREATE EXTENSION IF NOT EXISTS vector')
  const dump = await db.dumpDataDir('none')
  // Written aside and renamed: test files starting at the same time never read half a template.
  const partial = `${path}.${process.pid}.partial`
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()))
  await rename(partial, path)
  return db
}

/**
 * pglite-socket leaves some server-side sockets without an 'error' listener (connections it refuses
 * while stopping, and connections whose listeners it removed on detach), so a client's late
 * ECONNRESET would crash the test process. Keep a no-op listener on every server-side socket: by then
 * the connection is gone and pglite-socket has nothing left to do with it.
 */
function keepSocketErrorsHandled(server: PGLiteSocketServer): void {
  const net = (server as unknown as { server: Server | null }).server
  net?.on('connection', (socket: Socket) => {
    socket.on('error', () => {})
    const removeAll = socket.removeAllListeners.bind(socket)
    socket.removeAllListeners = (event?: string | symbol) => {
      removeAll(event)
      if (event === undefined || event === 'error') socket.on('error', () => {})
      return socket
    }
  })
}

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
  const db = dataDir
    ? await PGlite.create({ dataDir, extensions: { vector } })
    : await freshDatabase()
  let server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 })
  await server.start()
  keepSocketErrorsHandled(server)
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
      keepSocketErrorsHandled(server)
      running = true
    },
    async close() {
      if (running) await server.stop()
      running = false
      await db.close()
    },
  }
}
