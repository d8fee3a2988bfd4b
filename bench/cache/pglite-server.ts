/**
 * Child process for the cache benchmark: PGlite + pgvector on 127.0.0.1, URL sent to the parent;
 * answers the message 'rss' with this process's resident set (now and peak, MiB).
 */
import { PGlite } from '@electric-sql/pglite'
import { vector } from '@electric-sql/pglite-pgvector'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

const db = await PGlite.create({ extensions: { vector } })
const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 })
await server.start()
const port = server.getServerConn().split(':').pop()
process.send?.(`postgres://postgres@127.0.0.1:${port}/postgres`)
process.on('message', (m) => {
  if (m !== 'rss') return
  process.send?.({
    rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  })
})
process.on('SIGTERM', () => {
  void server
    .stop()
    .then(() => db.close())
    .then(() => process.exit(0))
})
