/**
 * One chat request through either transport of a running router (test/helpers/router.ts
 * `useBothTransports`): the gateway over HTTP with the simulator behind it, or ext_proc driven as
 * Envoy drives it with the test playing the upstream. Returns what the client and the upstream saw.
 */
import type { Simulator } from '../../src/simulator/index.js'
import type { EnvoyClient } from '../helpers/envoy.js'
import { completionResponse } from '../helpers/extproc.js'
import type { TestRouter } from '../helpers/router.js'

export type TransportName = 'gateway' | 'extproc'
export const TRANSPORTS: readonly TransportName[] = ['gateway', 'extproc']

export interface Sent {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** Headers and body the upstream got; undefined when nothing was forwarded. */
  readonly upstream: { headers: Record<string, string>; body: string } | undefined
}

export interface Both {
  readonly sim: Simulator
  readonly router: TestRouter
  readonly envoy: EnvoyClient
}

let counter = 0

export async function send(
  both: Both,
  transport: TransportName,
  request: { headers?: Record<string, string>; body: unknown; path?: string; method?: string },
): Promise<Sent> {
  const body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body)
  const headers = {
    'content-type': 'application/json',
    'x-request-id': `sec-${process.pid}-${counter++}`,
    ...request.headers,
  }
  const path = request.path ?? '/v1/chat/completions'
  if (transport === 'gateway') {
    both.sim.clearReceived()
    const res = await fetch(`${both.router.gatewayUrl}${path}`, {
      method: request.method ?? 'POST',
      headers,
      ...(request.method === 'GET' ? {} : { body }),
    })
    const text = await res.text()
    const seen = both.sim.received()[0]
    return {
      status: res.status,
      headers: Object.fromEntries(res.headers),
      body: text,
      upstream: seen && {
        headers: Object.fromEntries(
          Object.entries(seen.headers).map(([k, v]) => [
            k,
            Array.isArray(v) ? v.join(', ') : `${v}`,
          ]),
        ),
        body: seen.body.toString('utf8'),
      },
    }
  }
  let upstream: Sent['upstream']
  const ex = await both.envoy.exchange(
    {
      method: request.method ?? 'POST',
      path,
      headers,
      ...(request.method === 'GET' ? {} : { body }),
    },
    (seen) => {
      upstream = { headers: { ...seen.headers }, body: seen.body.toString('utf8') }
      const model = (JSON.parse(seen.body.toString() || '{}') as { model?: string }).model
      return completionResponse(model ?? 'unknown')
    },
  )
  return { status: ex.status, headers: { ...ex.headers }, body: ex.body.toString('utf8'), upstream }
}

export function errorCode(sent: Sent): string | undefined {
  try {
    return (JSON.parse(sent.body) as { error?: { code?: string } }).error?.code
  } catch {
    return undefined
  }
}
