/**
 * The RequestMeta of a request the router makes up itself (the `classify` CLI, benchmarks): a chat
 * completion on the gateway path, from no client, starting now.
 */
import type { RequestMeta } from './types.js'

export function localRequestMeta(
  requestId: string,
  headers: Readonly<Record<string, string>> = {},
): RequestMeta {
  return {
    requestId,
    transport: 'gateway',
    method: 'POST',
    path: '/v1/chat/completions',
    headers,
    acceptsEventStream: false,
    startedAt: performance.now(),
  }
}
