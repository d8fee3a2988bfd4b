/**
 * Cache partitions without router authentication (issue 13 item 1): callers are kept apart by what
 * they present upstream (Authorization, organisation, project) and by `user`, `metadata`,
 * `x-user-id` and message names; `cache_partition.by: tenant` shares within a tenant header;
 * `shared` shares with everyone. Identical in-flight requests of different callers are not
 * coalesced. Both transports.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { familiesConfig, FAMILY_MODELS, useBothTransports } from '../helpers/router.js'
import { send, TRANSPORTS, type Both } from './send.js'

const CACHE = `
semantic_cache: { enabled: true, backend_type: memory, similarity_threshold: 0.99 }
`
const byCaller = useBothTransports(FAMILY_MODELS, (port) => familiesConfig(port, CACHE))
const byTenant = useBothTransports(FAMILY_MODELS, (port) =>
  familiesConfig(port, `${CACHE}security: { cache_partition: { by: tenant } }\n`),
)
const shared = useBothTransports(FAMILY_MODELS, (port) =>
  familiesConfig(port, `${CACHE}security: { cache_partition: { by: shared } }\n`),
)

let n = 0
const fresh = () => `integral question ${n++} about the area under a curve`
const ask = (content: string, extra: object = {}) => ({
  model: 'MoM',
  messages: [{ role: 'user', content }],
  ...extra,
})

interface Variant {
  headers?: Record<string, string>
  extra?: object
}

/** First caller asks (miss), then the second asks the same: was the second forwarded? */
async function secondForwarded(
  both: Both,
  transport: (typeof TRANSPORTS)[number],
  first: Variant,
  second: Variant,
): Promise<boolean> {
  const q = fresh()
  const a = await send(both, transport, { headers: first.headers ?? {}, body: ask(q, first.extra) })
  assert.equal(a.status, 200, a.body)
  assert.ok(a.upstream, 'the first request is a miss')
  const again = await send(both, transport, {
    headers: first.headers ?? {},
    body: ask(q, first.extra),
  })
  assert.equal(again.upstream, undefined, 'the same caller gets the cached answer')
  const b = await send(both, transport, {
    headers: second.headers ?? {},
    body: ask(q, second.extra),
  })
  assert.equal(b.status, 200, b.body)
  return b.upstream !== undefined
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` })

for (const transport of TRANSPORTS) {
  describe(`cache_partition.by: caller (default, ${transport})`, () => {
    const cases: [string, Variant, Variant][] = [
      ['another Authorization', { headers: auth('key-one') }, { headers: auth('key-two') }],
      ['no Authorization after an authorised one', { headers: auth('key-one') }, {}],
      [
        'another OpenAI-Organization',
        { headers: { ...auth('k'), 'openai-organization': 'org-a' } },
        { headers: { ...auth('k'), 'openai-organization': 'org-b' } },
      ],
      ['another user', { extra: { user: 'u1' } }, { extra: { user: 'u2' } }],
      ['another x-user-id', { headers: { 'x-user-id': 'a' } }, { headers: { 'x-user-id': 'b' } }],
      ['other metadata', { extra: { metadata: { t: 'a' } } }, { extra: { metadata: { t: 'b' } } }],
    ]
    for (const [name, first, second] of cases)
      it(`${name}: not served the first caller's answer`, async () => {
        assert.equal(await secondForwarded(byCaller, transport, first, second), true)
      })

    it("another message name: not served the first caller's answer", async () => {
      const q = fresh()
      const named = (name: string) => ({
        model: 'MoM',
        messages: [{ role: 'user', content: q, name }],
      })
      assert.ok((await send(byCaller, transport, { body: named('ann') })).upstream)
      assert.equal((await send(byCaller, transport, { body: named('ann') })).upstream, undefined)
      assert.ok((await send(byCaller, transport, { body: named('ben') })).upstream)
    })
  })

  describe(`cache_partition.by: tenant and shared (${transport})`, () => {
    it('tenant: shared within a tenant header, not across tenants', async () => {
      const t = (tenant: string, key: string) => ({
        headers: { 'x-tenant-id': tenant, ...auth(key) },
      })
      assert.equal(await secondForwarded(byTenant, transport, t('t1', 'a'), t('t1', 'b')), false)
      assert.equal(await secondForwarded(byTenant, transport, t('t1', 'a'), t('t2', 'a')), true)
    })

    it('shared: everyone gets the cached answer', async () => {
      assert.equal(
        await secondForwarded(shared, transport, { headers: auth('a') }, { headers: auth('b') }),
        false,
      )
    })
  })
}

it('two callers asking the same question at once are not coalesced into one answer', async () => {
  const q = fresh()
  const [a, b] = await Promise.all([
    send(byCaller, 'gateway', { headers: auth('caller-a'), body: ask(q) }),
    send(byCaller, 'gateway', { headers: auth('caller-b'), body: ask(q) }),
  ])
  assert.equal(a.status, 200)
  assert.equal(b.status, 200)
  const ids = [a, b].map((r) => (JSON.parse(r.body) as { id: string }).id)
  assert.notEqual(ids[0], ids[1], 'each caller got its own completion')
  assert.equal(byCaller.router.events('cache_hit').filter((l) => l['coalesced']).length, 0)
})
