/**
 * The CLI as a user runs it: `serve --simulate-backends` in a child process (the bundled config's
 * shape on free ports), `classify`, `--help`, and a broken config at start.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, it } from 'node:test'
import OpenAI from 'openai'
import { loadConfigFile } from '../../src/config/load.js'

const ROOT = join(import.meta.dirname, '..', '..')
const MAIN = join(ROOT, 'src', 'main.ts')

function cli(
  args: string[],
  input?: string,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input,
    timeout: 60_000,
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

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
    r = cli(['classify'], 'please fix this python bug')
    assert.equal(JSON.parse(r.stdout).category, 'computer science')
  })

  it('refuses to serve a broken config with every problem listed and exit status 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sr-cli-'))
    try {
      const path = join(dir, 'bad.yaml')
      await writeFile(path, 'vllm_endpoints:\n  - { name: a, address: "http://x/", port: 0 }\n')
      const r = cli([
        'serve',
        '--config',
        path,
        '--gateway-port',
        '0',
        '--api-port',
        '0',
        '--metrics-port',
        '0',
      ])
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
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        MAIN,
        'serve',
        '-c',
        path,
        '--simulate-backends',
        '--gateway-port',
        '0',
        '--api-port',
        '0',
        '--metrics-port',
        '0',
        '--no-extproc',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    try {
      const started = await new Promise<Record<string, string>>((resolve, reject) => {
        const lines = createInterface({ input: child.stdout })
        lines.on('line', (line) => {
          const event = JSON.parse(line) as Record<string, string>
          if (event['event'] === 'router_started') resolve(event)
        })
        child.once('exit', (code) => reject(new Error(`serve exited early (${code})`)))
      })
      const client = new OpenAI({ baseURL: `${started['gateway']}/v1`, apiKey: 'x', maxRetries: 0 })
      const answer = await client.chat.completions.create({
        model: 'MoM',
        messages: [{ role: 'user', content: 'Prove this theorem' }],
      })
      assert.equal(answer.model, 'deepseek-v31')
      const ready = await fetch(`${started['api']}/ready`)
      assert.equal(ready.status, 200)
      const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
      child.kill('SIGTERM')
      assert.equal(await exit, 0)
    } finally {
      child.kill('SIGKILL')
      await rm(dir, { recursive: true, force: true })
    }
  })
})
