import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { ERROR_CODES, RouterError, toOpenAIErrorBody, toRouterError } from '../src/errors.js'

const DOC = readFileSync(join(import.meta.dirname, '..', 'docs', 'errors.md'), 'utf8')
const documented = new Set([...DOC.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]))

describe('error registry', () => {
  it('documents every code in docs/errors.md, and nothing else', () => {
    assert.deepEqual([...documented].sort(), Object.keys(ERROR_CODES).sort())
  })
  it('lists the right status for each code in the docs', () => {
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      assert.match(DOC, new RegExp(`\\| \`${code}\` \\| ${spec.status} \\|`), code)
    }
  })
  it('builds the OpenAI envelope with the stable code', () => {
    const err = new RouterError('invalid_request', 'model must be a string', { param: 'model' })
    assert.deepEqual(toOpenAIErrorBody(err), {
      error: {
        message: 'model must be a string',
        type: 'invalid_request_error',
        param: 'model',
        code: 'invalid_request',
      },
    })
    assert.equal(err.status, 400)
  })
  it('wraps unknown errors as internal_error, keeping the cause', () => {
    const cause = new TypeError('boom')
    const err = toRouterError(cause)
    assert.equal(err.code, 'internal_error')
    assert.equal(err.cause, cause)
  })
})
