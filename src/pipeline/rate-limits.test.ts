import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { securitySchema } from '../config/schema/security.js'
import { RouterError } from '../errors.js'
import { createLogger } from '../log.js'
import { MemoryStateStore } from '../state/memory.js'
import type { CallerIdentity } from './caller.js'
import { RateLimiter } from './rate-limits.js'
import type { RequestContext } from './types.js'

const log = createLogger({ level: 'silent' })
const key = (id: string, tenant?: string): CallerIdentity => ({
  source: 'key',
  principal: `key:${id}`,
  keyId: id,
  admin: false,
  ...(tenant === undefined ? {} : { tenant }),
})
/** The limiter reads only the caller of a request. */
const request = (caller: CallerIdentity) => ({ meta: { caller } }) as unknown as RequestContext

async function admitted(limiter: RateLimiter, caller: CallerIdentity): Promise<boolean | string> {
  try {
    await limiter.admit(request(caller))
    return true
  } catch (err) {
    assert.ok(err instanceof RouterError)
    return err.code
  }
}

function limiter(rateLimits: Record<string, unknown>): RateLimiter {
  const config = securitySchema.parse({ rate_limits: { enabled: true, ...rateLimits } })
  return new RateLimiter(config.rate_limits, new MemoryStateStore(), log)
}

describe('RateLimiter subjects', () => {
  it('scope tenant: the keys of a tenant share one window; keys without a tenant count alone', async () => {
    const l = limiter({ scope: 'tenant', requests_per_minute: 2 })
    assert.equal(await admitted(l, key('a1', 'team-a')), true)
    assert.equal(await admitted(l, key('a2', 'team-a')), true)
    assert.equal(await admitted(l, key('a3', 'team-a')), 'rate_limit_exceeded')
    assert.equal(await admitted(l, key('solo')), true)
    assert.equal(await admitted(l, key('solo')), true)
    assert.equal(await admitted(l, key('solo')), 'rate_limit_exceeded')
  })

  it('overrides by tenant name, then by key id; 0 = unlimited', async () => {
    const l = limiter({
      scope: 'tenant',
      requests_per_minute: 1,
      overrides: { research: { requests_per_minute: 0 }, vip: { requests_per_minute: 3 } },
    })
    for (let i = 0; i < 5; i++) assert.equal(await admitted(l, key('r', 'research')), true)
    for (let i = 0; i < 3; i++) assert.equal(await admitted(l, key('vip')), true)
    assert.equal(await admitted(l, key('vip')), 'rate_limit_exceeded')
  })

  it('the 429 carries Retry-After in seconds', async () => {
    const l = limiter({ requests_per_minute: 1 })
    await l.admit(request(key('x')))
    const err = await (async () => await l.admit(request(key('x'))))().then(
      () => assert.fail('admitted'),
      (e: unknown) => e as RouterError,
    )
    assert.equal(err.status, 429)
    const seconds = Number(err.headers['retry-after'])
    assert.ok(seconds >= 1 && seconds <= 60)
  })
})

describe('RateLimiter after close', () => {
  it('a reload closes it: it still counts in the store, which the next runtime reads; a closed store (shutdown) refuses 503 whatever on_store_error', async () => {
    const store = new MemoryStateStore()
    const config = securitySchema.parse({ rate_limits: { enabled: true, requests_per_minute: 2 } })
    const old = new RateLimiter(config.rate_limits, store, log)
    assert.equal(await admitted(old, key('k')), true)
    await old.close()
    const next = new RateLimiter(config.rate_limits, store, log)
    assert.equal(await admitted(old, key('k')), true, 'a straggler on the old runtime is counted')
    assert.equal(await admitted(next, key('k')), 'rate_limit_exceeded')
    await next.close()
    // The router's state closes last in a shutdown; a request that only now reaches admission
    // (past the grace period) is not let through uncounted, nor counted anew from zero.
    await store.close()
    assert.equal(await admitted(next, key('k')), 'limits_unavailable')
    assert.equal(await admitted(next, key('fresh')), 'limits_unavailable')
  })
})
