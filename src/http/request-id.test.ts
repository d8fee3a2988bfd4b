import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { acceptableRequestId, requestIdFrom } from './request-id.js'

describe('request ids', () => {
  it('echoes only well-formed client request ids', () => {
    assert.equal(acceptableRequestId('abc-123_X.y:z'), 'abc-123_X.y:z')
    assert.equal(acceptableRequestId('has space'), undefined)
    assert.equal(acceptableRequestId('a\nb'), undefined)
    assert.equal(acceptableRequestId('x'.repeat(128)), 'x'.repeat(128))
    assert.equal(acceptableRequestId('x'.repeat(129)), undefined)
    assert.equal(acceptableRequestId(''), undefined)
    assert.equal(acceptableRequestId(['a', 'b']), undefined)
  })

  it('assigns a UUID when the client id is missing or refused', () => {
    assert.deepEqual(requestIdFrom('req-1'), { id: 'req-1', assigned: false })
    for (const bad of [undefined, 'a"b', '{"json":1}']) {
      const r = requestIdFrom(bad)
      assert.equal(r.assigned, true)
      assert.match(r.id, /^[0-9a-f-]{36}$/)
    }
  })
})
