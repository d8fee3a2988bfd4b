/**
 * A new endpoint policy is one file plus a registration: this round-robin policy exists only in
 * this test, is registered through the app's plug-in registries, chosen by a config, checked when
 * the config loads, and rotates a model's requests across its endpoints through a real gateway in
 * front of three real simulator backends. It also sees the response side's observations.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { z } from 'zod'
import { BUILTIN_PLUGINS, withPlugins } from '../../src/assembly/plugins.js'
import type {
  EndpointObservation,
  EndpointPolicyPlugin,
} from '../../src/routing/selection/types.js'
import type { Simulator } from '../../src/simulator/index.js'
import { startRouter, startSim, type TestRouter } from '../helpers/router.js'

const observed: EndpointObservation[] = []

/** The whole policy: the next non-excluded endpoint of the model, in turn. */
const roundRobin: EndpointPolicyPlugin<{ start: number }> = {
  kind: 'round_robin',
  description: 'each model rotates over its endpoints (test only)',
  optionsSchema: z.strictObject({ start: z.number().int().nonnegative().default(0) }),
  create(_ctx, options) {
    const next = new Map<string, number>()
    return {
      kind: 'round_robin',
      pick(candidates, { model, exclude }) {
        const open = candidates.filter((c) => !exclude?.has(c.target.name))
        if (open.length === 0) return undefined
        const i = next.get(model) ?? options.start
        next.set(model, i + 1)
        return open[i % open.length]!.target
      },
      observe: (event) => void observed.push(event),
    }
  },
}

const plugins = withPlugins(BUILTIN_PLUGINS, { endpointPolicies: [roundRobin] })

const config = (sims: readonly Simulator[], policy: string) => `
vllm_endpoints:
${sims.map((s, i) => `  - { name: r${i}, address: 127.0.0.1, port: ${s.port}, weight: ${i + 1} }`).join('\n')}
model_config:
  qwen3: { preferred_endpoints: [${sims.map((_, i) => `r${i}`).join(', ')}] }
default_model: qwen3
pipeline:
  endpoint_policy: ${policy}
`

describe('a round-robin endpoint policy registered from a test', () => {
  const sims: Simulator[] = []
  let router: TestRouter

  before(async () => {
    for (let i = 0; i < 3; i++) sims.push(await startSim({ models: ['qwen3'] }))
    router = await startRouter(config(sims, '{ kind: round_robin, options: { start: 1 } }'), {
      plugins,
    })
  })
  after(async () => {
    await router?.close()
    await Promise.all(sims.map((s) => s.close()))
  })

  it('rotates requests across the three endpoints of the model', async () => {
    for (let i = 0; i < 6; i++) assert.equal(await fetchVia(router), 200)
    // start: 1 -> r1, r2, r0, r1, r2, r0; every backend got exactly two requests.
    assert.deepEqual(
      sims.map((s) => s.receivedChats().length),
      [2, 2, 2],
    )
    const order = observed.filter((e) => e.kind === 'started').map((e) => e.endpoint)
    assert.deepEqual(order, ['r1', 'r2', 'r0', 'r1', 'r2', 'r0'])
    const finished = observed.filter((e) => e.kind === 'finished')
    assert.equal(finished.length, 6)
    assert.ok(finished.every((e) => e.kind === 'finished' && e.status === 200))
  })

  it('is refused at load by an app that does not register it, and its options are checked', async () => {
    await assert.rejects(
      startRouter(config(sims, '{ kind: round_robin }')),
      /pipeline\.endpoint_policy\.kind \(line \d+\): unknown endpoint policy "round_robin"/,
    )
    await assert.rejects(
      startRouter(config(sims, '{ kind: round_robin, options: { start: -1 } }'), { plugins }),
      /pipeline\.endpoint_policy\.options\.start \(line \d+\)/,
    )
  })

  it('keeps the highest-weight policy (upstream rule) selectable', async () => {
    const plain = await startRouter(config(sims, '{ kind: highest_weight }'))
    try {
      sims.forEach((s) => s.clearReceived())
      for (let i = 0; i < 3; i++) assert.equal(await fetchVia(plain), 200)
      assert.deepEqual(
        sims.map((s) => s.receivedChats().length),
        [0, 0, 3],
      )
    } finally {
      await plain.close()
    }
  })
})

async function fetchVia(router: TestRouter): Promise<number> {
  const res = await fetch(`${router.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content: 'hello' }] }),
  })
  await res.arrayBuffer()
  return res.status
}
