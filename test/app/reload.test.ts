/**
 * Config at start and hot reload: a broken file at start fails with every problem listed; a broken
 * file later keeps the last good config (logged and counted); a good file is swapped in atomically
 * while requests in flight finish on the old one; Kubernetes-style symlink swaps are noticed.
 */
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createRouterApp } from '../../src/assembly/app.js'
import { RouterError } from '../../src/errors.js'
import { createLogger } from '../../src/log.js'
import type { Simulator } from '../../src/simulator/index.js'
import {
  LOOPBACK_PORTS,
  postJson,
  startRouter,
  startSim,
  type TestRouter,
} from '../helpers/router.js'
import { logCapture } from '../helpers/runtime.js'

const configFor = (simPort: number, defaultModel: string): string => `
vllm_endpoints:
  - { name: sim, address: 127.0.0.1, port: ${simPort} }
model_config:
  model-a: { preferred_endpoints: [sim] }
  model-b: { preferred_endpoints: [sim] }
default_model: ${defaultModel}
`

const BROKEN = `
vllm_endpoints:
  - { name: sim, address: "http://bad/", port: 99999 }
categories:
  - name: x
    model_scores: []
`

/** Poll until `check` holds; 20 s is only a guard (a reload builds a whole runtime, slow at load). */
async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (const until = Date.now() + 20_000; Date.now() < until;) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 20))
  }
  assert.fail(`timed out waiting for ${what}`)
}

describe('config at start-up', () => {
  it('refuses to start on a broken config, listing every problem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sr-broken-'))
    const path = join(dir, 'config.yaml')
    await writeFile(path, BROKEN)
    try {
      await assert.rejects(
        createRouterApp({
          configPath: path,
          listen: LOOPBACK_PORTS,
          log: createLogger({ level: 'silent' }),
        }),
        (err: unknown) => {
          assert.ok(err instanceof RouterError)
          assert.equal(err.code, 'config_invalid')
          const paths = (err.details as { path: string }[]).map((i) => i.path)
          assert.ok(paths.includes('vllm_endpoints[0].address'), paths.join())
          assert.ok(paths.includes('vllm_endpoints[0].port'), paths.join())
          assert.ok(paths.includes('categories[0].model_scores'), paths.join())
          return true
        },
      )
      await assert.rejects(
        createRouterApp({ configPath: join(dir, 'missing.yaml'), listen: LOOPBACK_PORTS }),
        (err: unknown) => err instanceof RouterError && err.code === 'config_unreadable',
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('config hot reload', () => {
  let sim: Simulator
  let router: TestRouter
  const send = async (): Promise<string | null> => {
    const res = await postJson(`${router.gatewayUrl}/v1/chat/completions`, {
      model: 'MoM',
      messages: [{ role: 'user', content: 'hi' }],
    })
    assert.equal(res.status, 200, res.text)
    return res.headers.get('x-vsr-selected-model')
  }

  before(async () => {
    sim = await startSim({ models: ['model-a', 'model-b'], defaults: { tpotMs: 0 } })
    router = await startRouter(configFor(sim.port, 'model-a'), { watch: true })
  })
  after(async () => {
    await router.close()
    await sim.close()
  })

  it('keeps the last good config when the new file is broken, and says why', async () => {
    assert.equal(await send(), 'model-a')
    await writeFile(router.configPath, BROKEN)
    await waitFor(() => router.events('config_reload_failed').length === 1, 'config_reload_failed')
    const failure = router.events('config_reload_failed')[0]!
    assert.equal(failure.code, 'config_invalid')
    assert.ok(Array.isArray(failure.issues) && (failure.issues as unknown[]).length >= 3)
    assert.match(await router.metricsText(), /llm_config_reloads_total\{result="failure"\} 1/)
    assert.equal(await send(), 'model-a', 'still serving the old config')
  })

  it('swaps in a good file and counts the success', async () => {
    await writeFile(router.configPath, configFor(sim.port, 'model-b'))
    await waitFor(() => router.events('config_reloaded').length === 1, 'config_reloaded')
    assert.equal(await send(), 'model-b')
    assert.match(await router.metricsText(), /llm_config_reloads_total\{result="success"\} 1/)
    assert.match(await router.metricsText(), /llm_config_last_reload_success_timestamp_seconds \d+/)
  })

  it('lets a request in flight finish on the config it started with', async () => {
    sim.setBehaviour('*', { ttftMs: 300 })
    try {
      const inflight = send()
      await waitFor(() => inflightCount(sim) > 0, 'request in flight')
      const reloaded = router.app.reload()
      await writeFile(router.configPath, configFor(sim.port, 'model-a'))
      const result = await router.app.reload()
      await reloaded
      assert.deepEqual(result.ok, true)
      assert.equal(await inflight, 'model-b', 'the old runtime answered the old request')
      assert.equal(await send(), 'model-a')
    } finally {
      sim.setBehaviour('*', { ttftMs: 0 })
    }
  })

  it('notices a Kubernetes ConfigMap-style symlink swap', async () => {
    // <dir>/config.yaml -> ..data/config.yaml, ..data -> ..v1; an update points ..data at ..v2.
    const dir = await mkdtemp(join(tmpdir(), 'sr-configmap-'))
    await mkdir(join(dir, '..v1'))
    await writeFile(join(dir, '..v1', 'config.yaml'), configFor(sim.port, 'model-a'))
    await symlink('..v1', join(dir, '..data'))
    await symlink(join('..data', 'config.yaml'), join(dir, 'config.yaml'))
    const capture = logCapture()
    const app = await createRouterApp({
      configPath: join(dir, 'config.yaml'),
      listen: { ...LOOPBACK_PORTS, enableApi: false, enableMetrics: false },
      log: createLogger({ destination: capture.stream }),
      reloadDebounceMs: 50,
    })
    try {
      assert.equal(app.runtime().config.default_model, 'model-a')
      await mkdir(join(dir, '..v2'))
      await writeFile(join(dir, '..v2', 'config.yaml'), configFor(sim.port, 'model-b'))
      await symlink('..v2', join(dir, '..data_tmp'))
      await rename(join(dir, '..data_tmp'), join(dir, '..data'))
      await waitFor(() => app.runtime().config.default_model === 'model-b', 'the swap to load')
      assert.equal(capture.lines.filter((l) => l.event === 'config_reloaded').length, 1)
    } finally {
      await app.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})

/** Requests the simulator is generating right now, over all its models. */
function inflightCount(sim: Simulator): number {
  let total = 0
  for (const m of sim.metricsText().matchAll(/^vllm:num_requests_running\{[^}]*\} (\d+)/gm))
    total += Number(m[1])
  return total
}
