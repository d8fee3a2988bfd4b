/**
 * Endpoint resilience through the real gateway in front of real simulator processes on port 0:
 * a dead endpoint, an always-503 one, a hanging one, a slow one, one that comes back after being
 * down, a saturated connection pool, streams whose endpoint dies before and after the first byte,
 * and failover to the decision's next model. Each case has its own router (its own health state).
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import type { BehaviourPatch, Simulator } from '../../src/simulator/index.js'
import { closedPort, startRouter, startSim, type TestRouter } from '../helpers/router.js'

interface Ep {
  readonly name: string
  readonly port: number
  readonly weight?: number
}

/** Ejections last the whole test unless a test says otherwise (tests count the tries). */
function config(
  eps: readonly Ep[],
  extra = 'resilience: { outlier_detection: { base_ejection_ms: 60000 } }',
): string {
  return `
vllm_endpoints:
${eps.map((e) => `  - { name: ${e.name}, address: 127.0.0.1, port: ${e.port}, weight: ${e.weight ?? 1} }`).join('\n')}
model_config:
  m: { preferred_endpoints: [${eps.map((e) => e.name).join(', ')}] }
default_model: m
${extra}`
}

interface Answer {
  readonly status: number
  readonly endpoint: string | null
  readonly model: string | null
  readonly requestId: string | null
  readonly text: string
}

async function ask(
  router: TestRouter,
  options: {
    model?: string
    content?: string
    stream?: boolean
    headers?: Record<string, string>
  } = {},
): Promise<Answer> {
  const res = await fetch(`${router.gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({
      model: options.model ?? 'm',
      messages: [{ role: 'user', content: options.content ?? 'hello' }],
      ...(options.stream ? { stream: true } : {}),
    }),
  })
  const text = await res.text()
  return {
    status: res.status,
    endpoint: res.headers.get('x-vsr-selected-endpoint'),
    model: res.headers.get('x-vsr-selected-model'),
    requestId: res.headers.get('x-request-id'),
    text,
  }
}

const sims: Simulator[] = []
const routers: TestRouter[] = []
after(async () => {
  await Promise.all(routers.map((r) => r.close()))
  await Promise.all(sims.map((s) => s.close()))
})

async function sim(defaults: BehaviourPatch = {}, port = 0): Promise<Simulator> {
  const s = await startSim({ models: ['m', 'a', 'b'], defaults, port })
  sims.push(s)
  return s
}

async function router(yaml: string): Promise<TestRouter> {
  const r = await startRouter(yaml)
  routers.push(r)
  return r
}

const metricValue = (text: string, line: string): number => {
  const found = text.split('\n').find((l) => l.startsWith(line + ' '))
  return found === undefined ? 0 : Number(found.slice(line.length + 1))
}

describe('endpoint resilience (gateway, real processes)', () => {
  it('a dead endpoint: every request succeeds on the healthy one; tries logged, counted, ejected', async () => {
    const good = await sim()
    const r = await router(
      config([
        { name: 'dead', port: await closedPort(), weight: 5 },
        { name: 'good', port: good.port },
      ]),
    )
    const answers = []
    for (let i = 0; i < 12; i++) answers.push(await ask(r))
    assert.ok(answers.every((a) => a.status === 200 && a.endpoint === 'good'))
    const tries = r.events('upstream_try_failed')
    assert.ok(tries.length >= 1 && tries.length <= 3, `${tries.length} failed tries`)
    const ids = new Set(answers.map((a) => a.requestId))
    for (const t of tries) {
      assert.equal(t['endpoint'], 'dead')
      assert.equal(t['next_endpoint'], 'good')
      assert.ok(ids.has(t['request_id'] as string))
    }
    const decisions = r.events('routing_decision')
    assert.ok(decisions.some((d) => d['tries'] === 2 && d['endpoint'] === 'good'))
    const metrics = await r.metricsText()
    assert.equal(
      metricValue(
        metrics,
        'llm_endpoint_retries_total{endpoint="dead",reason="upstream_unavailable"}',
      ),
      tries.length,
    )
    if (tries.length === 3)
      assert.equal(
        metricValue(metrics, 'llm_endpoint_health_state{endpoint="dead",state="ejected"}'),
        1,
      )
  })

  it('an always-503 endpoint stops being tried', async () => {
    const bad = await sim({ fault: { status: 503 } })
    const good = await sim()
    const r = await router(
      config([
        { name: 'bad', port: bad.port },
        { name: 'good', port: good.port },
      ]),
    )
    for (let i = 0; i < 20; i++) {
      const a = await ask(r)
      assert.equal(a.status, 200)
      assert.equal(a.endpoint, 'good')
    }
    // Three 503s in a row eject it (for 5 s): it is not tried again during the test.
    assert.ok(bad.receivedChats().length <= 3, `${bad.receivedChats().length} tries on bad`)
    assert.equal(good.receivedChats().length, 20)
  })

  it('a hanging endpoint: time to first byte runs out, the request goes elsewhere', async () => {
    const hung = await sim({ fault: { hang: true } })
    const good = await sim()
    const r = await router(
      config(
        [
          { name: 'hung', port: hung.port },
          { name: 'good', port: good.port },
        ],
        `upstream: { headers_timeout_ms: 1000 }
resilience: { outlier_detection: { base_ejection_ms: 60000 } }`,
      ),
    )
    for (let i = 0; i < 8; i++) {
      const a = await ask(r)
      assert.equal(a.status, 200)
      assert.equal(a.endpoint, 'good')
    }
    assert.ok(hung.receivedChats().length <= 3)
    assert.ok(
      r.events('upstream_try_failed').every((t) => t['endpoint'] === 'hung' && t['status'] === 0),
    )
  })

  it('a slow replica of three gets a small share under load', async () => {
    const slow = await sim({ ttftMs: 400 })
    const fast = [await sim(), await sim()]
    const r = await router(
      config([
        { name: 'slow', port: slow.port },
        { name: 'f1', port: fast[0]!.port },
        { name: 'f2', port: fast[1]!.port },
      ]),
    )
    for (let round = 0; round < 15; round++) {
      const answers = await Promise.all([ask(r), ask(r), ask(r)])
      assert.ok(answers.every((a) => a.status === 200))
    }
    const share = slow.receivedChats().length / 45
    assert.ok(share <= 0.25, `slow replica share ${share}`)
    assert.ok(fast.every((s) => s.receivedChats().length > 0))
  })

  it('an endpoint that comes back after being down gets traffic again (half-open)', async () => {
    const port = await closedPort()
    const good = await sim()
    const r = await router(
      config(
        [
          { name: 'flaky', port },
          { name: 'good', port: good.port },
        ],
        'resilience: { outlier_detection: { base_ejection_ms: 200 } }',
      ),
    )
    for (let i = 0; i < 8; i++) assert.equal((await ask(r)).status, 200)
    const back = await sim({}, port)
    // Ask until the repaired endpoint answers one. Each ejection without a success between doubles
    // (200, 400, 800 ms …), and a loaded machine may have ejected it several times during the
    // eight requests above, so a fixed pause and twelve requests could all fall inside one.
    const answers: Answer[] = []
    for (const until = Date.now() + 20_000; !answers.some((a) => a.endpoint === 'flaky');) {
      assert.ok(Date.now() < until, 'the repaired endpoint got no traffic within 20 s')
      answers.push(await ask(r))
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    assert.ok(answers.every((a) => a.status === 200))
    assert.ok(back.receivedChats().length > 0, 'the repaired endpoint got no traffic')
  })

  it('a full connection pool: a request gives up on the queue after queue_timeout_ms', async () => {
    const busy = await sim()
    const spare = await sim()
    const r = await router(
      config(
        [
          { name: 'busy', port: busy.port, weight: 5 },
          { name: 'spare', port: spare.port },
        ],
        `pipeline: { endpoint_policy: { kind: highest_weight } }
upstream: { connections_per_endpoint: 1, queue_timeout_ms: 200, headers_timeout_ms: 1000 }`,
      ),
    )
    // The first request holds busy's only connection (it hangs until the TTFB timeout).
    const hanging = ask(r, { headers: { 'x-simulator-fault': 'hang' } })
    while (busy.receivedChats().length === 0)
      await new Promise((resolve) => setTimeout(resolve, 10))
    const second = await ask(r)
    assert.equal(second.status, 200)
    // Without the queue timeout it would have waited for busy's connection and been answered there.
    assert.equal(second.endpoint, 'spare')
    const first = await hanging
    // The hang travels with the request (its fault header): every try runs out of time.
    assert.equal(first.status, 504)
    const queued = r
      .events('upstream_try_failed')
      .find((t) => String(t['error']).includes('free connection'))
    assert.ok(queued, 'no queue timeout logged')
  })

  it('a stream whose endpoint dies before the first byte is retried transparently', async () => {
    const cut = await sim({ fault: { dropAfterTokens: 0 } })
    const good = await sim()
    const r = await router(
      config(
        [
          { name: 'cut', port: cut.port, weight: 5 },
          { name: 'good', port: good.port },
        ],
        'pipeline: { endpoint_policy: { kind: highest_weight } }',
      ),
    )
    const a = await ask(r, { stream: true })
    assert.equal(a.status, 200)
    assert.equal(a.endpoint, 'good')
    assert.ok(a.text.trimEnd().endsWith('data: [DONE]'), a.text.slice(-200))
    assert.ok(!a.text.includes('"error"'))
    assert.equal(cut.receivedChats().length, 1)
    assert.equal(r.events('upstream_try_failed')[0]?.['endpoint'], 'cut')
  })

  it('a stream whose endpoint dies after the first byte ends with an error event, not retried', async () => {
    const dying = await sim({ fault: { dropAfterTokens: 2 }, outputTokens: 20 })
    const good = await sim()
    const r = await router(
      config(
        [
          { name: 'dying', port: dying.port, weight: 5 },
          { name: 'good', port: good.port },
        ],
        'pipeline: { endpoint_policy: { kind: highest_weight } }',
      ),
    )
    const a = await ask(r, { stream: true })
    assert.equal(a.status, 200)
    assert.equal(a.endpoint, 'dying')
    assert.match(a.text, /"role":"assistant"/)
    assert.match(a.text, /data: \{"error":\{/)
    assert.ok(!a.text.includes('[DONE]'))
    assert.equal(dying.receivedChats().length, 1)
    assert.equal(good.receivedChats().length, 0)
    assert.equal(r.events('upstream_try_failed').length, 0)
  })

  it("fails over to the decision's next model with that model's reasoning template", async () => {
    const good = await sim()
    const r = await router(`
vllm_endpoints:
  - { name: a-ep, address: 127.0.0.1, port: ${await closedPort()} }
  - { name: b-ep, address: 127.0.0.1, port: ${good.port} }
model_config:
  a: { reasoning_family: qwen3, preferred_endpoints: [a-ep] }
  b: { reasoning_family: deepseek, preferred_endpoints: [b-ep] }
default_model: a
reasoning_families:
  qwen3: { type: chat_template_kwargs, parameter: enable_thinking }
  deepseek: { type: chat_template_kwargs, parameter: thinking }
keyword_rules:
  - { category: math, operator: OR, keywords: [integral] }
categories:
  - name: math
    model_scores: [{ model: a, score: 0.9, use_reasoning: true }, { model: b, score: 0.8, use_reasoning: true }]
`)
    const a = await ask(r, { model: 'MoM', content: 'solve this integral' })
    assert.equal(a.status, 200, a.text)
    assert.equal(a.model, 'b')
    assert.equal(a.endpoint, 'b-ep')
    const sent = JSON.parse(good.receivedChats()[0]!.bodyText) as Record<string, unknown>
    assert.equal(sent['model'], 'b')
    assert.deepEqual(sent['chat_template_kwargs'], { thinking: true })
    const failed = r.events('upstream_try_failed')
    assert.equal(failed.length, 1)
    assert.equal(failed[0]!['model'], 'a')
    assert.equal(failed[0]!['next_model'], 'b')
    const metrics = await r.metricsText()
    assert.equal(metricValue(metrics, 'llm_model_failovers_total{from_model="a",to_model="b"}'), 1)
  })
})
