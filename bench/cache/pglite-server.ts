/** Child process for the cache benchmark: PGlite + pgvector on 127.0.0.1, URL sent to the parent. */
import { PGlite } from '@electric-sql/pglite'
import { vector } from '@electric-sql/pglite-pgvector'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

const db = await PGlite.create({ extensions: { vector } })
const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 })
await server.start()
const port = server.getServerConn().split(':').pop()
process.send?.(`postgres://postgres@127.0.0.1:${port}/postgres`)
process.on('SIGTERM', () => {
  void server
    .stop()
    .then(() => db.close())
    .then(() => process.exit(0))
})
