/**
 * A real Postgres wire-protocol server for tests: PGlite (Postgres 18 in WASM) with pgvector, served on
 * 127.0.0.1 by pglite-socket. Start one per test file (start-up takes a couple of seconds).
 */
import { PGlite } from '@electric-sql/pglite'
import { vector } from '@electric-sql/pglite-pgvector'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import type { Server, Socket } from 'node:net'

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
  const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { vector } })
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
