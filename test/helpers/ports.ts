/**
 * Ports for a server that starts later (another process, after a model load) or for an endpoint
 * kept dead that a test brings back on the same port. `listen(0)` hands out a port from the
 * kernel's ephemeral range, where any other test's `listen(0)` — and every outgoing connection's
 * local port — may take it before it is used; a port below that range is taken only by an
 * explicit bind. So: a random port in [20000, start of the ephemeral range), free right now.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

const LOWEST = 20_000

function ephemeralStart(): number {
  try {
    const first = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0],
    )
    return Number.isInteger(first) ? first : 32_768
  } catch {
    return 32_768 // Linux's default where /proc is not there
  }
}

function listenOn(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(undefined))
    server.listen(port, '127.0.0.1', () => {
      const address = server.address()
      const bound = typeof address === 'object' && address ? address.port : undefined
      server.close(() => resolve(bound))
    })
  })
}

/** A loopback port nothing listens on now, outside the range `listen(0)` draws from. */
export async function unusedPort(): Promise<number> {
  const high = ephemeralStart()
  if (high - LOWEST >= 1_000)
    for (let i = 0; i < 50; i++) {
      const port = await listenOn(LOWEST + Math.floor(Math.random() * (high - LOWEST)))
      if (port !== undefined) return port
    }
  const port = await listenOn(0) // an unusual port range: the kernel's choice, as before
  if (port === undefined) throw new Error('no free loopback port')
  return port
}
