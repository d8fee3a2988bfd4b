// `semantic-router bench` and bench/run_bench.sh as a user runs them (child processes, real ports).
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parseArgs } from 'node:util'
import { RUN_OPTIONS, setupRun } from '../../src/bench/cli-run.js'
import { loadDataset } from '../../src/bench/datasets/index.js'
import { quizResponder } from '../../src/bench/quiz-responder.js'
import { startSimulator, type Simulator } from '../../src/simulator/index.js'

const ROOT = join(import.meta.dirname, '..', '..')
const MAIN = join(ROOT, 'src', 'main.ts')
const SAMPLE = join(ROOT, 'bench', 'datasets', 'sample-mmlu-pro.jsonl')

let sim: Simulator

before(async () => {
  const all = (await loadDataset('mmlu-pro', SAMPLE)).questions
  sim = await startSimulator({
    // Stands in for the router here ("auto") until the router process runs in these tests.
    models: ['auto', 'qwen3-8b', { name: 'slow', behaviour: { tpotMs: 20, outputTokens: 20 } }],
    responder: quizResponder({
      questions: all,
      profiles: { auto: { defaultAccuracy: 0.8 }, 'qwen3-8b': { defaultAccuracy: 0.6 } },
    }),
  })
})
after(() => sim.close())

const bench = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'bench', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  })

function runAsync(cmd: string, args: string[], env: Record<string, string>) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('exit', (status) => resolve({ status, stdout, stderr }))
  })
}

describe('semantic-router bench (CLI)', () => {
  it('prints help and lists datasets', () => {
    const help = bench(['run', '--help'])
    assert.equal(help.status, 0)
    assert.match(help.stdout, /--vllm-exec-modes/)
    const list = bench(['list-datasets'])
    assert.match(list.stdout, /^mmlu-pro .*\n[\s\S]*^gsm8k /m)
  })

  it('rejects bad input with a clear message and status 2', async () => {
    const missing = bench(['run', '--data', '/nope/mmlu.parquet'])
    assert.equal(missing.status, 2)
    assert.match(missing.stderr, /dataset file not found: \/nope\/mmlu\.parquet/)
    // The rest in process (each child costs seconds of tsx start-up): same code path, same messages.
    const setup = (args: string[]) =>
      setupRun(parseArgs({ args, options: RUN_OPTIONS, allowPositionals: false }).values)
    await assert.rejects(setup(['--categories', 'astrology']), /unknown category astrology/)
    const dir = mkdtempSync(join(tmpdir(), 'bench-cli-'))
    const bad = join(dir, 'bad.jsonl')
    writeFileSync(bad, '{"question": "x"\n')
    await assert.rejects(setup(['--data', bad]), /bad\.jsonl:1: not valid JSON/)
    await assert.rejects(setup(['--vllm-exec-modes', 'fast']), /unknown exec mode "fast"/)
    await assert.rejects(setup(['--run-vllm']), /--run-vllm needs --vllm-models/)
    await assert.rejects(setup(['--dataset', 'gsm8k']), /--data is required for dataset gsm8k/)
    await assert.rejects(setup(['--pricing', 'x=cheap']), /--pricing expects/)
    assert.equal(bench(['run', '--gpu']).status, 2)
  })

  it('run_bench.sh runs router and direct models with upstream variables and writes every output', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-sh-'))
    // Asynchronous: the simulator answering the child runs in this process.
    const res = await runAsync(
      'bash',
      [join(ROOT, 'bench', 'run_bench.sh'), '--simulated', '--no-progress'],
      {
        ROUTER_ENDPOINT: sim.baseUrl,
        VLLM_ENDPOINT: sim.baseUrl,
        VLLM_MODELS: 'qwen3-8b',
        SAMPLES_PER_CATEGORY: '1',
        CONCURRENT_REQUESTS: '3',
        MAX_TOKENS: '300',
        OUTPUT_DIR: out,
      },
    )
    assert.equal(res.status, 0, res.stderr)
    for (const f of [
      'router--auto/detailed_results.csv',
      'router--auto/summary.json',
      'vllm--qwen3-8b/summary.json',
      'comparison.json',
      'report.html',
    ]) {
      assert.ok(existsSync(join(out, f)), f)
    }
    const summary = JSON.parse(readFileSync(join(out, 'vllm--qwen3-8b', 'summary.json'), 'utf8'))
    assert.deepEqual(Object.keys(summary.by_mode), ['NR', 'NR_REASONING'])
    assert.equal(summary.settings.max_tokens, 300)
    assert.match(res.stdout, /router::auto · Router \(auto\)\s+14\s/)
    assert.match(
      res.stdout,
      /^verdict.*: The router reaches \d+% of the best single model's accuracy/m,
    )
  })

  it('stops on Ctrl-C, keeping partial results marked interrupted', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-int-'))
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        MAIN,
        'bench',
        'run',
        '--vllm-endpoint',
        sim.baseUrl,
        '--vllm-models',
        'slow',
        '--vllm-exec-modes',
        'NR',
        '--concurrent-requests',
        '1',
        '--output-dir',
        out,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const csv = join(out, 'vllm--slow', 'detailed_results.csv')
    // Wait until at least two results are on disk, then interrupt.
    for (let i = 0; i < 600; i++) {
      if (existsSync(csv) && readFileSync(csv, 'utf8').trim().split('\n').length >= 3) break
      await new Promise((r) => setTimeout(r, 100))
    }
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    )
    child.kill('SIGINT')
    assert.equal(await exited, 130)
    assert.match(stderr, /writing partial results/)
    const summary = JSON.parse(readFileSync(join(out, 'vllm--slow', 'summary.json'), 'utf8'))
    assert.equal(summary.interrupted, true)
    assert.ok(summary.total_questions >= 2 && summary.total_questions < 70)
    assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /interrupted-banner/)
  })
})
