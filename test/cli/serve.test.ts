/**
 * The CLI as a user runs it: `serve --simulate-backends` in a child process (the bundled config's
 * shape on free ports), `classify`, `--help`, and a broken config at start.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import OpenAI from 'openai'
import { loadConfigFile } from '../../src/config/load.js'
import {
  freePort,
  LOOPBACK_PORTS,
  runCli as cli,
  startRouterProcess,
} from '../helpers/processes.js'

const ROOT = join(import.meta.dirname, '..', '..')

describe('CLI', () => {
  it('prints --help for serve and classify', () => {
    for (const command of ['serve', 'classify']) {
      const r = cli([command, '--help'])
      assert.equal(r.status, 0)
      assert.match(r.stdout, new RegExp(`Usage: semantic-router ${command}`))
    }
    const r = cli(['serve', '--gateway-port', 'abc'])
    assert.equal(r.status, 2)
    assert.match(r.stderr, /--gateway-port must be a port number/)
  })

  it('ships a bundled config and a vLLM example that load cleanly', async () => {
    const bundled = await loadConfigFile(join(ROOT, 'config', 'config.yaml'))
    assert.deepEqual(bundled.warnings, [])
    assert.ok(bundled.config.vllm_endpoints.every((e) => e.address === '127.0.0.1'))
    const vllm = await loadConfigFile(join(ROOT, 'config', 'examples', 'vllm.yaml'))
    assert.deepEqual(vllm.warnings, [])
    assert.ok(
      vllm.config.vllm_endpoints.some((e) => /[a-z]/.test(e.address)),
      'a host name',
    )
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'))
    assert.match(pkg.scripts.start, /serve --config config\/config.yaml --simulate-backends/)
  })

  it('classify prints the routing decision as JSON, from argv or stdin', () => {
    let r = cli(['classify', 'What is the derivative of x^2?'])
    assert.equal(r.status, 0, r.stderr)
    const decision = JSON.parse(r.stdout)
    assert.equal(decision.category, 'math')
    assert.equal(decision.classifier, 'keyword')
    assert.equal(decision.selected_model, 'deepseek-v31')
    assert.equal(decision.reasoning.enabled, true)
    r = cli(['classify'], { input: 'please fix this python bug' })
    assert.equal(JSON.parse(r.stdout).category, 'computer science')
  })

  it('refuses to serve a broken config with every problem listed and exit status 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sr-cli-'))
    try {
      const path = join(dir, 'bad.yaml')
      await writeFile(path, 'vllm_endpoints:\n  - { name: a, address: "http://x/", port: 0 }\n')
      const r = cli(['serve', '--config', path, ...LOOPBACK_PORTS])
      assert.equal(r.status, 1)
      assert.match(r.stderr, /config is invalid/)
      assert.match(r.stderr, /vllm_endpoints\[0\]\.address/)
      assert.match(r.stderr, /vllm_endpoints\[0\]\.port/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('serve --simulate-backends answers chat requests and stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sr-cli-'))
    const text = await readFile(join(ROOT, 'config', 'config.yaml'), 'utf8')
    const path = join(dir, 'config.yaml')
    await writeFile(
      path,
      text
        .replace('port: 18001', `port: ${await freePort()}`)
        .replace('port: 18002', `port: ${await freePort()}`),
    )
    const router = await startRouterProcess(path, {
      extraArgs: ['--simulate-backends', '--no-extproc'],
    })
    try {
      const client = new OpenAI({ baseURL: `${router.gateway}/v1`, apiKey: 'x', maxRetries: 0 })
      const answer = await client.chat.completions.create({
        model: 'MoM',
        messages: [{ role: 'user', content: 'Prove this theorem' }],
      })
      assert.equal(answer.model, 'deepseek-v31')
      const ready = await fetch(`${router.api}/ready`)
      assert.equal(ready.status, 200)
      assert.equal(await router.stop(), 0)
    } finally {
      await router.stop()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
