// `semantic-router simulate` as a user runs it: a real child process, real ports, real signals.
import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { readJson, type ChatJson, type ModelsJson } from './wire.js'

const ROOT = join(import.meta.dirname, '..', '..')
const MAIN = join(ROOT, 'src', 'main.ts')

function cli(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'simulate', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  })
}

/** Start the simulator and resolve once every listener has printed its URL. */
async function startCli(args: string[], listeners: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'simulate', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  const urls = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start: ${out}${err}`)), 60_000)
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const found = [...out.matchAll(/listening on (http:\/\/\S+) \(models: ([^)]*)\)/g)]
      if (found.length >= listeners) {
        clearTimeout(timer)
        resolve(found.map((m) => `${m[1]}|${m[2]}`))
      }
    })
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}${err}`)))
  })
  return { child, urls, output: () => out }
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  child.kill('SIGTERM')
  return exited
}

describe('semantic-router simulate (CLI)', () => {
  it('prints help, and rejects bad flags with usage status 2', () => {
    const help = cli(['--help'])
    assert.equal(help.status, 0)
    assert.match(help.stdout, /SIMULATED OpenAI-compatible model server/)
    assert.match(help.stdout, /--listen <port>=<m,...>/)
    const bad = cli(['--ttft-ms', 'soon'])
    assert.equal(bad.status, 2)
    assert.match(bad.stderr, /--ttft-ms must be a non-negative number/)
    const badFault = cli(['--fault', 'explode'])
    assert.equal(badFault.status, 2)
    assert.match(badFault.stderr, /unknown fault "explode"/)
    const badListen = cli(['--listen', '8000'])
    assert.equal(badListen.status, 2)
  })

  it('serves several ports from one command and stops cleanly on SIGTERM', async () => {
    const { child, urls, output } = await startCli(
      ['--listen', '0=qwen3-8b,deepseek-v31', '--listen', '0=gpt-oss-20b', '--output-tokens', '3'],
      2,
    )
    try {
      const [first, second] = urls.map((u) => u.split('|'))
      assert.equal(first![1], 'qwen3-8b, deepseek-v31')
      assert.equal(second![1], 'gpt-oss-20b')
      const res = await fetch(`${second![0]}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'gpt-oss-20b', messages: [{ role: 'user', content: 'x' }] }),
      })
      const json = await readJson<ChatJson>(res)
      assert.equal(json.usage.completion_tokens, 3)
      const models = await readJson<ModelsJson>(await fetch(`${first![0]}/v1/models`))
      assert.deepEqual(
        models.data.map((m) => m.id),
        ['qwen3-8b', 'deepseek-v31'],
      )
    } finally {
      assert.equal(await stop(child), 0)
    }
    assert.match(output(), /semantic-router simulator stopped/)
  })

  it('reads a YAML config file, with flags overriding its defaults', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'))
    const file = join(dir, 'sim.yaml')
    writeFileSync(
      file,
      `# two simulated models on one port
defaults:
  output_tokens: 7
listeners:
  - port: 0
    models:
      - fast
      - name: failing
        fault: { status: 500 }
`,
    )
    const { child, urls } = await startCli(['--config', file, '--reasoning-tokens', '5'], 1)
    try {
      const url = urls[0]!.split('|')[0]!
      const post = (model: string) =>
        fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          body: JSON.stringify({
            model,
            messages: [{ role: 'user', content: 'x' }],
            reasoning_effort: 'low',
          }),
        })
      const ok = await readJson<ChatJson>(await post('fast'))
      assert.equal(ok.usage.completion_tokens, 12) // 7 content + 5 reasoning (low)
      assert.equal((await post('failing')).status, 500)
    } finally {
      await stop(child)
    }
  })

  it('answers benchmark questions from an answer key at the given accuracy', async () => {
    const key = join(ROOT, 'bench', 'datasets', 'sample-mmlu-pro.jsonl')
    const { child, urls } = await startCli(
      ['--port', '0', '-m', 'quiz', '--answer-key', key, '--accuracy', '1'],
      1,
    )
    try {
      const url = urls[0]!.split('|')[0]!
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({
          model: 'quiz',
          messages: [
            {
              role: 'user',
              content:
                'Question: Which planet is known as the Red Planet?\n\nOptions:\nA) x\n\nAnswer.',
            },
          ],
        }),
      })
      const json = await readJson<ChatJson>(res)
      const [line] = readFileSync(key, 'utf8')
        .split('\n')
        .filter((l) => l.includes('Red Planet'))
      const expected = (JSON.parse(line!) as { answer: string }).answer
      assert.match(json.choices[0]!.message.content, new RegExp(`\\b${expected}\\b`))
    } finally {
      await stop(child)
    }
    assert.equal(cli(['--answer-key', '/nope.jsonl']).status, 2)
  })

  it('reports a broken config file and exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'))
    const file = join(dir, 'bad.yaml')
    writeFileSync(file, 'listeners:\n  - port: 0\n    models: []\n')
    const res = cli(['--config', file])
    assert.equal(res.status, 2)
    assert.match(res.stderr, /bad\.yaml: listeners\.0\.models/)
    const missing = cli(['--config', join(dir, 'nope.yaml')])
    assert.equal(missing.status, 2)
    assert.match(missing.stderr, /cannot read simulator config/)
  })
})
