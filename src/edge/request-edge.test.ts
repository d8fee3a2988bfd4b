import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { routerConfigSchema } from '../config/schema/index.js'
import { edgeSettings, RequestEdge } from './request-edge.js'

const edge = new RequestEdge({ destinationHeader: 'x-my-dest', maxBodyBytes: 100, deadlineMs: 50 })
const chat = (
  headers: Record<string, string | string[]> = {},
  method = 'POST',
  target = '/v1/chat/completions',
) => edge.describe({ method, target, headers: { 'x-request-id': 'r1', ...headers } })

describe('request edge', () => {
  it('sorts requests by the path table', () => {
    assert.equal(chat().kind, 'chat')
    assert.equal(chat({}, 'post', '/proxy/v1/chat/completions?x=1').kind, 'chat')
    assert.equal(chat({}, 'GET', '/v1/models').kind, 'models')
    assert.equal(chat({}, 'GET', '/v1/models/x').kind, 'passthrough')
    assert.equal(chat({}, 'POST', '/v1/completions').kind, 'passthrough')
    assert.equal(chat({}, 'post', '/v1/chat/completions?a=b').path, '/v1/chat/completions')
  })

  it('removes routing headers from what the pipeline sees, and lists them for removal', () => {
    const r = chat({
      'x-vsr-selected-model': 'a',
      'x-my-dest': 'b',
      'x-selected-model': 'c',
      'x-gateway-destination-endpoint': 'd',
      'x-semantic-destination-endpoint': 'e',
      'x-ai-eg-model': 'f',
      ':path': '/v1/chat/completions',
      accept: 'text/event-stream',
      'x-multi': ['1', '2'],
    })
    assert.deepEqual(r.headers, {
      accept: 'text/event-stream',
      'x-multi': '1, 2',
      'x-request-id': 'r1',
    })
    assert.ok(r.acceptsEventStream)
    for (const name of [
      'x-selected-model',
      'x-vsr-destination-endpoint',
      'x-gateway-destination-endpoint',
      'x-semantic-destination-endpoint',
      'x-ai-eg-model',
      'x-my-dest',
      'x-vsr-selected-model',
    ])
      assert.ok(r.removeHeaders.includes(name), name)
    // Named headers are listed even when absent (Envoy may hide them from ext_proc).
    assert.ok(chat().removeHeaders.includes('x-ai-eg-model'))
  })

  it('keeps a well-formed request id and replaces any other', () => {
    assert.equal(chat().requestId, 'r1')
    assert.equal(chat().requestIdAssigned, false)
    const replaced = chat({ 'x-request-id': 'a b' })
    assert.equal(replaced.requestIdAssigned, true)
    assert.notEqual(replaced.requestId, 'a b')
    assert.equal(replaced.headers['x-request-id'], replaced.requestId)
  })

  it('admits by method, then content type, then declared length', () => {
    const wrongMethod = chat({ 'content-type': 'image/png' }, 'GET')
    assert.equal(wrongMethod.rejection?.error.code, 'method_not_allowed')
    assert.deepEqual(wrongMethod.rejection?.headers, { allow: 'POST' })
    assert.equal(wrongMethod.rejection?.counted, false)
    const png = chat({ 'content-type': 'image/png', 'content-length': '1000' })
    assert.equal(png.rejection?.error.code, 'unsupported_media_type')
    assert.equal(chat({ 'content-length': '101' }).rejection?.error.code, 'body_too_large')
    assert.equal(chat({ 'content-length': '100' }).rejection, undefined)
    for (const type of [
      'application/json; charset=utf-8',
      'application/vnd.x+json',
      'text/plain',
      '',
    ])
      assert.equal(chat({ 'content-type': type }).rejection, undefined, type)
    // Paths that are not the router's are never refused by the edge for what they carry.
    assert.equal(chat({ 'content-type': 'image/png' }, 'PUT', '/other').rejection, undefined)
  })

  it('asks for a key on other paths on ext_proc only, unless extproc_other_paths is pass', () => {
    const keys = { keyRing: () => ({ lookup: () => undefined }) }
    const other = (listener: 'gateway' | 'extproc', otherPaths?: string) => {
      const auth = { enabled: true, ...(otherPaths ? { extproc_other_paths: otherPaths } : {}) }
      const config = routerConfigSchema.parse({ security: { auth } })
      const edge = RequestEdge.fromConfig(config, { listener, keys, onError: () => {} })
      return edge.describe({ method: 'POST', target: '/v1/embeddings', headers: {} }).rejection
    }
    assert.equal(other('extproc')?.error.code, 'authentication_required')
    assert.equal(other('extproc', 'check')?.error.code, 'authentication_required')
    assert.equal(other('extproc', 'pass'), undefined)
    // The gateway forwards nothing of another path (it answers 404 itself).
    assert.equal(other('gateway'), undefined)
    assert.throws(() =>
      routerConfigSchema.parse({ security: { auth: { extproc_other_paths: 'maybe' } } }),
    )
  })

  it('takes the stricter of the two deadline settings', () => {
    const parse = (o: object) => edgeSettings(routerConfigSchema.parse(o)).deadlineMs
    assert.equal(parse({}), 5_000)
    assert.equal(parse({ server: { processing_timeout_ms: 300 } }), 300)
    assert.equal(parse({ extproc: { message_timeout_ms: 200 } }), 200)
    assert.equal(
      parse({ server: { processing_timeout_ms: 100 }, extproc: { message_timeout_ms: 200 } }),
      100,
    )
  })
})
