/**
 * Reload safety (issue 13 item 2 and 9): a file that would leave nothing to route (empty,
 * comment-only, every section under a misspelt key) is refused on reload, at start and by
 * validate-config, and the last good config keeps serving; the watcher reacts to the config file
 * (and ConfigMap's `..data` swap, test/app/reload.test.ts) but not to other files in its folder,
 * and a file rewritten without pause is still reloaded within the maximum debounce.
 */
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join, dirname } from 'node:path'
import { describe, it } from 'node:test'
import { familiesConfig, FAMILY_MODELS, startRouter, startSim } from '../helpers/router.js'
import { runCliAsync } from '../helpers/processes.js'

const BAD_FILES: Readonly<Record<string, string>> = {
  empty: '',
  'comment-only': '# the whole config was commented out\n# vllm_endpoints: []\n',
  'mis-indented under a typo key': `vllm_endpointz:
  vllm_endpoints:
    - { name: sim, address: 127.0.0.1, port: 1 }
  model_config:
    plain-model: {}
  default_model: plain-model
`,
}

async function chat(gateway: string): Promise<number> {
  const res = await fetch(`${gateway}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content: 'hello' }] }),
  })
  await res.text()
  return res.status
}

describe('configs with nothing to route are refused', () => {
  for (const [name, text] of Object.entries(BAD_FILES))
    it(`${name}: reload refused, last good config serving, validate-config says invalid`, async () => {
      const sim = await startSim({ models: FAMILY_MODELS })
      const router = await startRouter(familiesConfig(sim.port))
      try {
        await writeFile(router.configPath, text)
        const result = await router.app.reload()
        assert.equal(result.ok, false)
        assert.equal(router.events('config_reload_failed').length, 1)
        assert.equal(router.events('config_reloaded').length, 0)
        assert.equal(await chat(router.gatewayUrl), 200, 'still routing on the last good config')
        const cli = await runCliAsync(['validate-config', '--config', router.configPath])
        assert.notEqual(cli.status, 0, cli.stdout + cli.stderr)
        assert.match(cli.stdout + cli.stderr, /sets nothing the router reads/)
      } finally {
        await router.close()
        await sim.close()
      }
    })
})

it('a valid file that routes nothing (only an api section) is refused on reload', async () => {
  const sim = await startSim({ models: FAMILY_MODELS })
  const router = await startRouter(familiesConfig(sim.port))
  try {
    await writeFile(router.configPath, 'api:\n  batch_classification: { max_batch_size: 4 }\n')
    const result = await router.app.reload()
    assert.equal(result.ok, false)
    assert.match(result.ok ? '' : result.error, /would remove every endpoint, model and category/)
    assert.equal(await chat(router.gatewayUrl), 200, 'still routing on the last good config')
  } finally {
    await router.close()
    await sim.close()
  }
})

describe('the watcher', () => {
  it('ignores other files in the folder: a busy log file next to the config postpones nothing', async () => {
    const sim = await startSim({ models: FAMILY_MODELS })
    const router = await startRouter(familiesConfig(sim.port), {
      watch: true,
      reloadDebounceMs: 300,
    })
    const noise = join(dirname(router.configPath), 'router.log')
    // The log keeps growing (every 20 ms, for at least 40 s) until the reload is seen: a watcher
    // whose debounce the log resets would reload only after the writer stops. The reload has a
    // generous 20 s on a loaded machine (it was 3 s against a writer of about 4 s).
    let writing = true
    let writerStopped = false
    const writer = (async () => {
      for (let i = 0; writing && i < 2_000; i++) {
        await writeFile(noise, `line ${i}\n`, { flag: 'a' })
        await new Promise((r) => setTimeout(r, 20))
      }
      writerStopped = true
    })()
    try {
      await writeFile(router.configPath, familiesConfig(sim.port, '# changed\n'))
      const end = Date.now() + 20_000
      while (router.events('config_reloaded').length === 0 && Date.now() < end)
        await new Promise((r) => setTimeout(r, 25))
      assert.equal(writerStopped, false, 'the log was still growing')
      assert.equal(
        router.events('config_reloaded').length,
        1,
        'reloaded while the log kept growing',
      )
    } finally {
      writing = false
      await writer
      await router.close()
      await sim.close()
    }
  })

  it('a config rewritten without pause is still reloaded within the maximum debounce', async () => {
    const sim = await startSim({ models: FAMILY_MODELS })
    const router = await startRouter(familiesConfig(sim.port), {
      watch: true,
      reloadDebounceMs: 400,
    })
    let writing = true
    let writes = 0
    const writer = (async () => {
      // Every 100 ms, well inside the 400 ms debounce: a debounce without a maximum never fires.
      // Up to 300 rewrites (30 s or more): a loaded machine gets time for the reload itself.
      for (let i = 0; writing && i < 300; i++, writes++) {
        await writeFile(router.configPath, familiesConfig(sim.port, `# revision ${i}\n`))
        await new Promise((r) => setTimeout(r, 100))
      }
    })()
    try {
      while (router.events('config_reloaded').length === 0 && writes < 300)
        await new Promise((r) => setTimeout(r, 25))
      assert.ok(router.events('config_reloaded').length > 0, 'a reload happened')
      assert.ok(writes < 300, 'it happened while the file was still being rewritten')
    } finally {
      writing = false
      await writer
      await router.close()
      await sim.close()
    }
  })
})
