import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js'

const pairs = (flat: string[]): Record<string, string> => {
  const out: Record<string, string> = {}
  for (let i = 0; i < flat.length; i += 2) {
    assert.ok(!(flat[i]! in out), `${flat[i]} set once`)
    out[flat[i]!] = flat[i + 1]!
  }
  return out
}

describe('gateway headers', () => {
  it('builds upstream headers: pipeline values win, API key replaces the client key', () => {
    const headers = pairs(
      upstreamRequestHeaders({
        client: {
          authorization: 'Bearer client',
          'content-type': 'application/json',
          host: 'router:8801',
          'content-length': '999',
          'transfer-encoding': 'chunked',
          te: 'trailers',
          'x-hop': '1',
          'x-keep': 'yes',
          'x-selected-model': 'spoof',
        },
        connection: 'keep-alive, X-Hop',
        requestId: 'rid-1',
        bodyLength: 42,
        fromPipeline: new Map([['x-selected-model', 'qwen3-8b']]),
        apiKey: 'secret',
        hostPort: '10.0.0.1:8000',
      }),
    )
    assert.deepEqual(headers, {
      'content-type': 'application/json',
      'x-keep': 'yes',
      'x-selected-model': 'qwen3-8b',
      authorization: 'Bearer secret',
      host: '10.0.0.1:8000',
      'x-request-id': 'rid-1',
      'accept-encoding': 'identity',
      'content-length': '42',
    })
  })

  it('keeps the client Authorization when the endpoint has no key, and defaults content-type', () => {
    const headers = pairs(
      upstreamRequestHeaders({
        client: { authorization: 'Bearer client' },
        connection: undefined,
        requestId: 'r',
        bodyLength: 1,
        fromPipeline: new Map(),
        apiKey: undefined,
        hostPort: 'h:1',
      }),
    )
    assert.equal(headers['authorization'], 'Bearer client')
    assert.equal(headers['content-type'], 'application/json')
  })

  it('drops hop-by-hop and upstream x-vsr-* headers from responses', () => {
    assert.deepEqual(
      clientResponseHeaders({
        connection: 'close, x-internal',
        'x-internal': '1',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        'x-vsr-selected-model': 'spoof',
        'content-type': 'application/json',
        'content-length': '10',
      }),
      ['content-type', 'application/json', 'content-length', '10'],
    )
  })

  it("lets the router's own response headers replace the upstream's", () => {
    assert.deepEqual(
      clientResponseHeaders(
        { 'x-request-id': 'upstream', 'x-split': 'a', 'content-type': 'application/json' },
        new Map([['x-split', 'b']]),
        { 'x-request-id': 'ours' },
      ),
      ['content-type', 'application/json', 'x-split', 'b', 'x-request-id', 'ours'],
    )
  })
})
