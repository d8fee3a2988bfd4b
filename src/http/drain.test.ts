import assert from 'node:assert/strict'
import { Agent, request } from 'node:http'
import { describe, it } from 'node:test'
import { HttpListener } from './server.js'

interface Reply {
  status: number
  connection: string | undefined
  body: string
}

function get(url: string, agent: Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, connection: res.headers['connection'], body }),
      )
    })
      .on('error', reject)
      .end()
  })
}

/** A listener whose /slow answers only when `release` is called. */
async function slowListener() {
  const waiting: (() => void)[] = []
  const listener = new HttpListener(
    { requestTimeoutMs: 5_000, headersTimeoutMs: 5_000 },
    (req, res) => {
      const answer = (): void => void res.end('done')
      if (req.url === '/slow') waiting.push(answer)
      else answer()
    },
  )
  const { url } = await listener.listen(0, '127.0.0.1')
  return { listener, url, release: () => waiting.splice(0).forEach((w) => w()), waiting }
}

describe('http drain', () => {
  it('lets requests in flight finish with Connection: close and closes idle keep-alive sockets', async () => {
    const { listener, url, release, waiting } = await slowListener()
    const agent = new Agent({ keepAlive: true })
    try {
      const idle = await get(`${url}/fast`, agent)
      assert.equal(idle.connection, 'keep-alive')
      const slow = get(`${url}/slow`, agent)
      while (waiting.length === 0) await new Promise((r) => setTimeout(r, 5))
      assert.equal(listener.drain.inflight, 1)
      const closing = listener.close(5_000)
      assert.equal(listener.drain.isDraining, true)
      release()
      const answered = await slow
      assert.equal(answered.body, 'done')
      assert.equal(answered.connection, 'close')
      await closing
      assert.equal(listener.drain.inflight, 0)
      await assert.rejects(get(`${url}/fast`, new Agent()), /ECONNREFUSED/)
    } finally {
      agent.destroy()
    }
  })

  it('cuts what is still running when the grace period ends', async () => {
    const { listener, url, waiting } = await slowListener()
    const slow = get(`${url}/slow`, new Agent())
    while (waiting.length === 0) await new Promise((r) => setTimeout(r, 5))
    await listener.close(50)
    await assert.rejects(slow, /socket hang up|ECONNRESET/)
  })

  it('closes at once with nothing in flight, and close is idempotent', async () => {
    const { listener } = await slowListener()
    await Promise.all([listener.close(10_000), listener.close(10_000)])
  })
})
