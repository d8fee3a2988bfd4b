/**
 * The endpoint state that does not come from the router's own traffic, through the real gateway
 * and real simulator processes: the `vllm_metrics` policy scrapes each simulator's vLLM-style
 * /metrics (its real queue) and avoids the busy one; active health checks take a dead endpoint out
 * before any request fails on it, and bring it back when it answers its probe again.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { parseVllmMetrics } from '../../src/routing/selection/vllm-metrics.js'
import type { Simulator } from '../../src/simulator/index.js'
import { closedPort, startRouter, startSim, type TestRouter } from '../helpers/router.js'

const sims: Simulator[] = []
const routers: TestRouter[] = []
after(async () => {
  await Promise.all(routers.map((r) => r.close()))
  await Promise.all(sims.map((s) => s.close()))
})

const config = (eps: { name: string; port: number }[], extra: string) => `
vllm_endpoints:
${eps.map((e) => `  - { name: ${e.name}, address: 127.0.0.1, port: ${e.port} }`).join('\n')}
model_config:
  m: { preferred_endpoints: [${eps.map((e) => e.name).join(', ')}] }
default_model: m
${extra}`

async function ask(r: TestRouter): Promise<{ status: number; endpoint: string | null }> {
  const res = await fetch(`${r.gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
  })
  await res.arrayBuffer()
  return { status: res.status, endpoint: res.headers.get('x-vsr-selected-endpoint') }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return
    await sleep(50)
  }
  assert.fail(`timed out waiting for ${what}`)
}

describe('vllm_metrics endpoint policy', () => {
  it("reads vLLM's waiting/running/KV-cache figures", () => {
    const text = [
      '# HELP vllm:num_requests_waiting x',
      'vllm:num_requests_waiting{model_name="a"} 3',
      'vllm:num_requests_waiting{model_name="b"} 1',
      'vllm:num_requests_running{model_name="a"} 2',
      'vllm:gpu_cache_usage_perc{model_name="a"} 0.5',
    ].join('\n')
    assert.deepEqual(parseVllmMetrics(text, 7), {
      waiting: 4,
      running: 2,
      kvCacheUsage: 0.5,
      at: 7,
    })
    assert.equal(parseVllmMetrics('process_cpu_seconds_total 1', 0), undefined)
  })

  it('sends requests away from the endpoint whose own queue is full', async () => {
    // busy: one generation slot, held (with two more waiting) by clients that bypass the router.
    const busy = await startSim({ models: ['m'], defaults: { maxConcurrency: 1, ttftMs: 60_000 } })
    const idle = await startSim({ models: ['m'] })
    sims.push(busy, idle)
    const hold = new AbortController()
    const direct = [1, 2, 3].map(() =>
      fetch(`${busy.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hold' }] }),
        signal: hold.signal,
      }).then(
        (r) => r.arrayBuffer(),
        () => undefined,
      ),
    )
    await until(
      () => busy.metricsText().includes('vllm:num_requests_waiting{model_name="m"} 2'),
      'queue',
    )
    assert.match(busy.metricsText(), /vllm:kv_cache_usage_perc\{model_name="m"\} 1/)
    const r = await startRouter(
      config(
        [
          { name: 'busy', port: busy.port },
          { name: 'idle', port: idle.port },
        ],
        // timeout_ms also sets how old figures may be (3 intervals + timeout): wide, so a loaded
        // machine's late scrape does not make busy's queue unknown (scored as idle) mid-test.
        'pipeline: { endpoint_policy: { kind: vllm_metrics, options: { interval_ms: 100, timeout_ms: 5000 } } }',
      ),
    )
    routers.push(r)
    // Scrapes of one endpoint never overlap: a second one has begun only after the first was read.
    const scrapes = () => busy.received().filter((q) => q.path === '/metrics').length
    await until(() => scrapes() >= 2, "the router to have read busy's queue")
    const answers = []
    for (let i = 0; i < 8; i++) answers.push(await ask(r))
    assert.ok(
      answers.every((a) => a.status === 200 && a.endpoint === 'idle'),
      JSON.stringify(answers),
    )
    assert.equal(busy.receivedChats().length, 3) // only the direct ones
    hold.abort()
    await Promise.all(direct)
  })
})

describe('active health checks', () => {
  it('take a dead endpoint out before any request fails on it, and bring it back', async () => {
    const port = await closedPort()
    const good = await startSim({ models: ['m'] })
    sims.push(good)
    const r = await startRouter(
      config(
        [
          { name: 'down', port },
          { name: 'good', port: good.port },
        ],
        // A wide probe timeout: a loaded machine must not time out two probes of the good one in a
        // row (the dead one's port refuses at once, so it is still marked down within a few rounds).
        `resilience:
  health_checks: { enabled: true, interval_ms: 100, timeout_ms: 2000, unhealthy_threshold: 2 }`,
      ),
    )
    routers.push(r)
    const state = async (endpoint: string, s: string) =>
      (await r.metricsText()).includes(
        `llm_endpoint_health_state{endpoint="${endpoint}",state="${s}"} 1`,
      )
    await until(() => state('down', 'unhealthy'), 'down marked unhealthy')
    for (let i = 0; i < 10; i++) assert.equal((await ask(r)).endpoint, 'good')
    assert.equal(r.events('upstream_try_failed').length, 0, 'no request was tried on it')
    const back = await startSim({ models: ['m'], port })
    sims.push(back)
    await until(() => state('down', 'healthy'), 'down healthy again')
    const answers = []
    for (let i = 0; i < 12; i++) answers.push(await ask(r))
    assert.ok(answers.some((a) => a.endpoint === 'down'))
  })
})
