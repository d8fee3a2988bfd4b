/** Start a node:http server and report where it listens (port 0 picks a free port). */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Listening {
  readonly host: string
  readonly port: number
  /** `http://host:port` (IPv6 hosts in brackets). */
  readonly url: string
}

export function listen(server: Server, port: number, host: string): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err)
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      const addr = server.address() as AddressInfo
      const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address
      resolve({ host: addr.address, port: addr.port, url: `http://${h}:${addr.port}` })
    })
  })
}
