/**
 * Issue 13, rate limits and budgets per key or tenant, through both transports of one router:
 * requests per minute, tokens per minute counted from the upstream's usage (streams included),
 * a spend budget from the configured prices, 429 with Retry-After in OpenAI's error shape, and
 * per-key / per-tenant subjects with overrides.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { keyDigest } from '../../src/config/api-keys.js'
import { budgetPeriod } from '../../src/pipeline/rate-limits.js'
import { familiesConfig, FAMILY_MODELS, useBothTransports } from '../helpers/router.js'
import { errorCode, send, TRANSPORTS, type Sent, type TransportName } from './send.js'

const dir = mkdtempSync(join(tmpdir(), 'sec-limits-'))
const keysFile = join(dir, 'keys.yaml')
const ids = [
  'req-gateway',
  'req-extproc',
  'tok-gateway',
  'tok-extproc',
  'cost-gateway',
  'cost-extproc',
  'ten-a-gateway',
  'ten-b-gateway',
  'ten-a-extproc',
  'ten-b-extproc',
  'stream',
]
const keyOf = (id: string) => `sk-${id}-0123456789`
writeFileSync(
  keysFile,
  'keys:\n' +
    ids
      .map((id) => {
        const tenant = id.startsWith('ten-') ? `, tenant: team-${id.split('-')[2]}` : ''
        return `  - { id: ${id}, sha256: ${keyDigest(keyOf(id))}${tenant} }\n`
      })
      .join(''),
)

// Defaults: 3 requests a minute per key. Overrides give the token, budget and tenant subjects
// their own limits (a key or a tenant id names an override).
const both = useBothTransports(FAMILY_MODELS, (port) =>
  familiesConfig(
    port,
    `
security:
  auth: { enabled: true, keys_file: ${JSON.stringify(keysFile)} }
  rate_limits:
    enabled: true
    requests_per_minute: 3
    overrides:
      tok-gateway: { requests_per_minute: 0, tokens_per_minute: 20 }
      tok-extproc: { requests_per_minute: 0, tokens_per_minute: 20 }
      stream: { requests_per_minute: 0, tokens_per_minute: 5 }
      cost-gateway: { requests_per_minute: 0, budget: 0.00001 }
      cost-extproc: { requests_per_minute: 0, budget: 0.00001 }
`,
  ),
)

const ask = (content: string, extra: object = {}) => ({
  model: 'MoM',
  messages: [{ role: 'user', content }],
  ...extra,
})
let n = 0
const as = (id: string, transport: TransportName, extra: object = {}) =>
  send(both, transport, {
    headers: { authorization: `Bearer ${keyOf(id)}` },
    body: ask(`integral number ${n++} of x`, extra),
  })

function limited(sent: Sent, code: string): void {
  assert.equal(sent.status, 429, sent.body)
  assert.equal(errorCode(sent), code)
  const body = JSON.parse(sent.body) as { error: { type: string; message: string } }
  assert.equal(body.error.type, 'rate_limit_error')
  const retry = Number(sent.headers['retry-after'])
  assert.ok(Number.isInteger(retry) && retry >= 1, `retry-after ${sent.headers['retry-after']}`)
  assert.equal(sent.upstream, undefined, 'not forwarded')
}

/** Send until refused (usage is added when an answer ends); the attempts it took. */
async function untilRefused(next: () => Promise<Sent>, max = 6): Promise<Sent[]> {
  const sent: Sent[] = []
  for (let i = 0; i < max; i++) {
    const s = await next()
    sent.push(s)
    if (s.status === 429) return sent
    assert.equal(s.status, 200, s.body)
    await new Promise((r) => setTimeout(r, 20))
  }
  assert.fail(`never refused after ${max} requests`)
}

for (const transport of TRANSPORTS) {
  describe(`rate limits (${transport})`, () => {
    it('requests per minute: the 4th request of a key is 429 with Retry-After', async () => {
      const id = `req-${transport}`
      for (let i = 0; i < 3; i++) assert.equal((await as(id, transport)).status, 200)
      const refused = await as(id, transport)
      limited(refused, 'rate_limit_exceeded')
      assert.ok(Number(refused.headers['retry-after']) <= 60)
      // Another key has its own window.
      assert.equal((await as(`tok-${transport}`, transport)).status, 200)
    })

    it('tokens per minute, counted from the upstream usage', async () => {
      // 11 + 7 = 18 tokens (ext_proc's test upstream) or the simulator's usage per answer: the
      // 20-token window is used up after one or two answers.
      const sent = await untilRefused(() => as(`tok-${transport}`, transport), 4)
      limited(sent.at(-1)!, 'rate_limit_exceeded')
    })

    it('spend budget from the configured prices (qwen3-8b is priced)', async () => {
      const sent = await untilRefused(() => as(`cost-${transport}`, transport))
      const refused = sent.at(-1)!
      limited(refused, 'budget_exceeded')
      assert.ok(Number(refused.headers['retry-after']) <= 86_400)
    })

    it('scope key: keys of one tenant count apart', async () => {
      for (let i = 0; i < 3; i++)
        assert.equal((await as(`ten-a-${transport}`, transport)).status, 200)
      assert.equal((await as(`ten-b-${transport}`, transport)).status, 200)
    })
  })
}

it('streamed answers count their tokens too (the router asks for stream usage)', async () => {
  const sent = await untilRefused(() => as('stream', 'gateway', { stream: true }), 3)
  assert.equal(sent.length, 2, 'the first stream used up the 5-token window')
  limited(sent[1]!, 'rate_limit_exceeded')
})

describe('budget periods', () => {
  it('are calendar periods in UTC; Retry-After reaches the period end', () => {
    const now = Date.UTC(2026, 11, 7, 10, 30)
    assert.deepEqual(budgetPeriod('hour', now), {
      id: `hour-${Date.UTC(2026, 11, 7, 10)}`,
      ttlMs: 30 * 60_000,
    })
    assert.equal(budgetPeriod('day', now).ttlMs, 13.5 * 3_600_000)
    assert.equal(budgetPeriod('month', now).id, `month-${Date.UTC(2026, 11)}`)
    assert.equal(budgetPeriod('month', now).ttlMs, Date.UTC(2027, 0) - now)
  })
})
