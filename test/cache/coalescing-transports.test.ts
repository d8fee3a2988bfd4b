/**
 * Both transports end every forwarded request's response tracking, so a request that leads a
 * coalesced key releases its waiting duplicates at once however it ends: gateway — client gone,
 * upstream connection lost, no endpoint; ext_proc — stream cancelled, processing budget exceeded.
 * The wait bound (`coalesce_wait_ms`) is ten minutes: a waiter freed only by the bound fails the
 * test on its own deadline.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { ExtProcServer } from '../../src/extproc/server.js'
import type { ExtProcRuntime } from '../../src/extproc/types.js'
import { Gateway } from '../../src/gateway/server.js'
import { LiveRuntime } from '../../src/assembly/live-runtime.js'
import type { Runtime } from '../../src/pipeline/runtime.js'
import type { Simulator } from '../../src/simulator/index.js'
import { EnvoyClient } from '../helpers/envoy.js'
import { completionResponse } from '../helpers/extproc.js'
import { startSim } from '../helpers/router.js'
import { makeRuntime, type TestRuntime } from '../helpers/runtime.js'
import {
  coalescedCounts,
  HoldFirstRequest,
  settledWithin,
  waitForEvents,
  withModule,
} from './coalescing-helpers.js'

const MODEL = 'model-a'
const CACHE = `
semantic_cache:
  enabled: true
  coalesce_wait_ms: 600000
`
const QUESTION = 'Summarise the plot of Hamlet'
const body = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: QUESTION }] })

const cleanups: (() => Promise<void>)[] = []
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

async function build(yaml: string): Promise<TestRuntime> {
  const built = await makeRuntime(yaml)
  cleanups.push(() => built.runtime.close())
  return built
}

async function gatewayFor(yaml: string): Promise<TestRuntime & { url: string }> {
  const built = await build(yaml)
  const live = new LiveRuntime(built.runtime, { graceMs: 200, onCloseError: () => {} })
  const gateway = new Gateway({
    runtimes: live,
    log: built.runtime.services.log,
    metrics: built.runtime.services.metrics,
  })
  const url = `${(await gateway.listen(0, '127.0.0.1')).url}/v1/chat/completions`
  cleanups.push(() => gateway.close(200))
  return { ...built, url }
}

function endpointConfig(sim: Simulator): string {
  return `
vllm_endpoints:
  - { name: sim, address: 127.0.0.1, port: ${sim.port}, weight: 1 }
model_config:
  ${MODEL}: { preferred_endpoints: [sim] }
default_model: ${MODEL}
${CACHE}`
}

const post = (url: string, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    ...(signal ? { signal } : {}),
  })

const NO_ANSWER = ['llm_cache_coalesced_requests_total{result="no_answer"} 1']

describe('gateway: a leader that ends without an answer releases its duplicates', () => {
  it('when its client goes away', async () => {
    const sim = await startSim({ models: [MODEL] })
    cleanups.push(() => sim.close())
    const g = await gatewayFor(endpointConfig(sim))
    const gone = new AbortController()
    // The simulator never answers the leader (its fault header), so only the client can end it.
    const leader = post(g.url, { 'x-simulator-fault': 'hang' }, gone.signal)
    await waitForEvents(g.logs, 'cache_miss', 1)
    const follower = post(g.url)
    await waitForEvents(g.logs, 'cache_miss', 2)
    gone.abort()
    await assert.rejects(leader)
    const res = await settledWithin(follower, 20_000, 'the duplicate was not released')
    assert.equal(res.status, 200, 'the released duplicate was answered by the model')
    assert.equal(res.headers.get('x-vsr-cache-hit'), null)
    assert.deepEqual(await coalescedCounts(g), NO_ANSWER)
  })

  it('when the upstream connection is lost before the response', async () => {
    const sim = await startSim({ models: [MODEL] })
    const g = await gatewayFor(endpointConfig(sim))
    const leader = post(g.url, { 'x-simulator-fault': 'hang' })
    await waitForEvents(g.logs, 'cache_miss', 1)
    const follower = post(g.url)
    await waitForEvents(g.logs, 'cache_miss', 2)
    await sim.close() // drops the leader's connection; the follower then finds no server either
    assert.equal((await leader).status, 502)
    const res = await settledWithin(follower, 20_000, 'the duplicate was not released')
    assert.equal(res.status, 502)
    assert.deepEqual(await coalescedCounts(g), NO_ANSWER)
  })

  it('when no endpoint serves the model', async () => {
    const g = await gatewayFor(`model_config:\n  ${MODEL}: {}\ndefault_model: ${MODEL}\n${CACHE}`)
    for (let i = 0; i < 2; i++) {
      // Had the first request kept its key, the second would wait behind it for ten minutes.
      const res = await settledWithin(post(g.url), 20_000, 'the second request was held')
      assert.equal(res.status, 503)
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'no_endpoint')
    }
    assert.deepEqual(await coalescedCounts(g), [])
  })
})

describe('ext_proc: a leader that ends without an answer releases its duplicates', () => {
  async function extprocFor(yaml: string, pipeline = (r: Runtime) => r.pipeline) {
    const built = await build(yaml)
    const runtime: ExtProcRuntime = {
      config: built.runtime.config,
      services: built.runtime.services,
      pipeline: pipeline(built.runtime),
    }
    const server = await ExtProcServer.start({
      host: '127.0.0.1',
      port: 0,
      runtimes: { acquire: () => ({ runtime, release() {} }) },
      log: built.runtime.services.log,
      maxMessageBytes: 1 << 20,
      shutdownGraceMs: 200,
    })
    const envoy = new EnvoyClient(`127.0.0.1:${server.port}`)
    cleanups.push(async () => {
      envoy.close()
      await server.close(200)
    })
    return { ...built, envoy }
  }
  const config = `model_config:\n  ${MODEL}: {}\ndefault_model: ${MODEL}\n${CACHE}`

  it('when Envoy cancels the stream (client gone, upstream reset)', async () => {
    const x = await extprocFor(config)
    let upstreamReached!: () => void
    const reached = new Promise<void>((r) => (upstreamReached = r))
    let resetUpstream!: (err: Error) => void
    const reset = new Promise<never>((_, reject) => (resetUpstream = reject))
    const leader = x.envoy.exchange({ body }, () => {
      upstreamReached()
      return reset
    })
    await reached
    const follower = x.envoy.exchange({ body }, () => completionResponse(MODEL, 'from upstream'))
    await waitForEvents(x.logs, 'cache_miss', 2)
    resetUpstream(new Error('upstream reset')) // Envoy resets the leader's stream
    await assert.rejects(leader, /upstream reset/)
    const answered = await settledWithin(follower, 20_000, 'the duplicate was not released')
    assert.equal(answered.immediate, false)
    assert.match(answered.body.toString(), /from upstream/)
    assert.equal(answered.upstreamRequest?.headers['x-selected-model'], MODEL, 'routed')
    assert.deepEqual(await coalescedCounts(x), NO_ANSWER)
  })

  it('when the pipeline outlives the message budget and forwards late', async () => {
    const hold = new HoldFirstRequest()
    const x = await extprocFor(`${config}\nextproc: { message_timeout_ms: 300 }`, (r) =>
      withModule(r.pipeline, hold),
    )
    // The budget runs out while the leader is held: Envoy is told to continue unrouted.
    const first = await x.envoy.exchange({ body }, () => completionResponse(MODEL))
    assert.equal(first.upstreamRequest?.headers['x-selected-model'], undefined)
    hold.release('pass') // the pipeline now decides to forward, too late for this request
    await waitForEvents(x.logs, 'routing_decision', 1)
    const late = x.logs.find((l) => l.event === 'routing_decision')
    assert.equal(late?.['error'], 'processing_timeout')
    // The key is free: the same question is routed normally instead of waiting behind it.
    const second = await x.envoy.exchange({ body }, () => completionResponse(MODEL))
    assert.equal(second.upstreamRequest?.headers['x-selected-model'], MODEL)
    assert.deepEqual(await coalescedCounts(x), [])
  })
})
