import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { z } from 'zod'
import { RouterError } from '../errors.js'
import { jsonSchemaOf, parseBody } from './schema.js'

const schema = z.object({
  text: z.string().max(3),
  n: z.number().min(0).max(1).nullish(),
  kind: z.enum(['a', 'b']).nullish(),
  list: z
    .array(z.object({ v: z.int() }))
    .min(1)
    .max(2)
    .nullish(),
  own: z.string({ error: 'must be spelled out' }).nullish(),
})

function refusal(body: unknown): RouterError {
  try {
    parseBody(schema, body)
  } catch (err) {
    assert.ok(err instanceof RouterError)
    assert.equal(err.code, 'invalid_request')
    return err
  }
  assert.fail('accepted')
}

describe('API body schemas', () => {
  it('returns the parsed body', () => {
    assert.deepEqual(parseBody(schema, { text: 'ab', extra: 1 }), { text: 'ab' })
  })

  it('names the field and the problem', () => {
    const cases: [unknown, string, string | undefined][] = [
      [null, 'Request body must be a JSON object', undefined],
      [{}, 'text is required', 'text'],
      [{ text: 5 }, 'text must be a string', 'text'],
      [{ text: 'abcd' }, 'text is 4 characters; the limit is 3', 'text'],
      [{ text: 'a', n: 2 }, 'n must be ≤ 1', 'n'],
      [{ text: 'a', kind: 'c' }, 'kind must be one of "a", "b"', 'kind'],
      [{ text: 'a', list: [] }, 'list must have at least 1 entry', 'list'],
      [
        { text: 'a', list: [{ v: 1 }, { v: 2 }, { v: 3 }] },
        'list has 3 entries; the limit is 2',
        'list',
      ],
      [{ text: 'a', list: [{ v: 1.5 }] }, 'list[0].v must be an integer', 'list[0].v'],
      [{ text: 'a', own: 1 }, 'own must be spelled out', 'own'],
    ]
    for (const [body, message, param] of cases) {
      const err = refusal(body)
      assert.equal(err.message, message)
      assert.equal(err.param, param)
    }
  })

  it('adds route details to the error', () => {
    try {
      parseBody(schema, {}, (issue) => ({ field: issue.path[0] }))
      assert.fail('accepted')
    } catch (err) {
      assert.deepEqual((err as RouterError).details, { field: 'text' })
    }
  })

  it('writes requests as clients send them and answers as the router writes them', () => {
    const withDefault = z.object({ a: z.string().default('x') })
    assert.deepEqual(jsonSchemaOf(withDefault, 'input')['required'], undefined)
    assert.deepEqual(jsonSchemaOf(withDefault, 'output')['required'], ['a'])
  })
})
