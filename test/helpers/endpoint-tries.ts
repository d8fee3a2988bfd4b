/** One finished try as both transports report it to an endpoint policy: started, then finished. */
import type { EndpointPolicy } from '../../src/routing/selection/types.js'

export function observeTry(
  policy: Pick<EndpointPolicy, 'observe'>,
  endpoint: string,
  status: number,
  extra: { readonly error?: string; readonly retryAfterMs?: number } = {},
): void {
  policy.observe?.({ kind: 'started', endpoint, model: 'm', requestId: 'r' })
  policy.observe?.({
    kind: 'finished',
    endpoint,
    model: 'm',
    requestId: 'r',
    status,
    latencySeconds: 0.01,
    ...extra,
  })
}
