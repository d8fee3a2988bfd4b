/**
 * Issue 13: rate limits shared by replicas. Two `semantic-router serve` processes point at one
 * real redis-server (`state_store.backend: redis`) and a caller's requests per minute are counted
 * once across both; the same two processes on the in-memory store each count alone. When Redis is
 * away, `on_store_error` decides (allow: served and logged; deny: 503 limits_unavailable).
 */
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Simulator } from '../../src/simulator/index.js'
import { startRouterProcess, type RouterProcess } from '../helpers/processes.js'
import { startRedis, type TestRedis } from '../helpers/redis.js'
import { familiesConfig, FAMILY_MODELS, startSim } from '../helpers/router.js'

const dir = mkdtempSync(join(tmpdir(), 'sec-redis-'))

function configFile(
  name: string,
  simPort: number,
  store: string,
  onError = 'allow',
  limits = 'requests_per_minute: 3',
): string {
  const path = join(dir, `${name}.yaml`)
  writeFileSync(
    path,
    familiesConfig(
      simPort,
      `
state_store: ${store}
security:
  rate_limits: { enabled: true, ${limits}, on_store_error: ${onError} }
`,
    ),
  )
  return path
}

async function chat(router: RouterProcess | undefined, caller: string): Promise<number> {
  assert.ok(router)
  const res = await fetch(`${router.gateway}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${caller}` },
    body: JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content: 'hello there' }] }),
  })
  await res.text()
  return res.status
}

let sim: Simulator
let redis: TestRedis
const routers: RouterProcess[] = []
before(async () => {
  sim = await startSim({ models: FAMILY_MODELS })
  redis = await startRedis()
})
after(async () => {
  await Promise.all(routers.map((r) => r.stop()))
  await redis?.stop()
  await sim?.close()
})

async function replicas(
  count: number,
  store: string,
  onError?: string,
  limits?: string,
): Promise<RouterProcess[]> {
  const path = configFile(`c${routers.length}`, sim.port, store, onError, limits)
  const started = await Promise.all(Array.from({ length: count }, () => startRouterProcess(path)))
  routers.push(...started)
  return started
}

describe('two router processes', () => {
  it('sharing one Redis count a caller once: 3 a minute across both', async () => {
    const [a, b] = await replicas(2, `{ backend: redis, redis: { url: "${redis.url}" } }`)
    assert.equal(await chat(a, 'caller-1'), 200)
    assert.equal(await chat(b, 'caller-1'), 200)
    assert.equal(await chat(a, 'caller-1'), 200)
    assert.equal(await chat(b, 'caller-1'), 429, 'the 4th request, on the other replica')
    assert.equal(await chat(a, 'caller-1'), 429)
    assert.equal(await chat(b, 'caller-2'), 200, 'another caller has its own window')
  })

  it('sharing one Redis by leases, a burst on both never passes the limit (at most 2 × max_lease under)', async () => {
    const [a, b] = await replicas(
      2,
      `{ backend: redis, redis: { url: "${redis.url}", key_prefix: "burst:" } }`,
      'allow',
      'requests_per_minute: 40, sync: { max_lease: 5 }',
    )
    const statuses = await Promise.all(
      Array.from({ length: 120 }, (_, i) => chat(i % 2 ? a : b, 'burst-caller')),
    )
    const ok = statuses.filter((s) => s === 200).length
    assert.ok(ok <= 40 && ok >= 40 - 2 * 5, `${ok} of 120 admitted (limit 40)`)
    assert.ok(statuses.every((s) => s === 200 || s === 429))
  })

  it('on the in-memory store each counts alone', async () => {
    const [a, b] = await replicas(2, '{ backend: memory }')
    for (let i = 0; i < 3; i++) assert.equal(await chat(a, 'caller-1'), 200)
    assert.equal(await chat(a, 'caller-1'), 429)
    assert.equal(await chat(b, 'caller-1'), 200, 'replica b never heard of a’s counter')
  })

  it('Redis away: allow serves (and logs), deny answers 503 limits_unavailable', async () => {
    const away = 'redis://127.0.0.1:1'
    const store = `{ backend: redis, redis: { url: "${away}", connect_timeout_ms: 200, command_timeout_ms: 200 } }`
    const [open] = await replicas(1, store, 'allow')
    assert.equal(await chat(open, 'caller-1'), 200)
    const [closed] = await replicas(1, store, 'deny')
    assert.equal(await chat(closed, 'caller-1'), 503)
    assert.ok(open!.output.some((l) => l.includes('rate_limit_store_error')))
  })
})
