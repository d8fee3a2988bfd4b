/**
 * The semantic cache keeps each question whole, so `semantic_cache.max_query_chars` caps what one
 * entry's question may be: a longer question is neither looked up nor stored (both transports run
 * the same module; the gateway shows it), a shorter one is cached as before.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { familiesConfig, FAMILY_MODELS, useBothTransports } from '../helpers/router.js'
import { send } from './send.js'

const both = useBothTransports(FAMILY_MODELS, (port) =>
  familiesConfig(
    port,
    `
semantic_cache: { enabled: true, backend_type: memory, similarity_threshold: 0.99, max_query_chars: 200 }
`,
  ),
)

const ask = (content: string) => ({ model: 'MoM', messages: [{ role: 'user', content }] })

/** Asks twice: whether the second answer came from the cache. */
async function cachedTwice(content: string): Promise<boolean> {
  const first = await send(both, 'gateway', { body: ask(content) })
  assert.equal(first.status, 200, first.body)
  assert.ok(first.upstream, 'the first request goes upstream')
  const again = await send(both, 'gateway', { body: ask(content) })
  assert.equal(again.status, 200, again.body)
  return again.upstream === undefined && again.headers['x-vsr-cache-hit'] === 'true'
}

describe('semantic_cache.max_query_chars', () => {
  it('a question within the cap is cached', async () => {
    assert.equal(await cachedTwice('What is the integral of x squared from zero to one?'), true)
  })

  it('a longer question is neither stored nor looked up', async () => {
    const long = `Please explain the integral of x squared ${'and its area under the curve '.repeat(8)}`
    assert.ok(long.length > 200)
    const added = both.router.events('cache_entry_added').length
    assert.equal(await cachedTwice(long), false)
    assert.equal(both.router.events('cache_entry_added').length, added, 'nothing stored')
    const skipped = both.router.events('cache_skipped').filter((l) => l.reason === 'query_too_long')
    assert.equal(skipped.length, 2)
  })
})
