/**
 * Issue 13 benchmark: how long one large prompt stops the router's event loop, and the router's
 * peak resident memory with four large prompts at once — before/after in one run.
 *
 *   node --import tsx bench/security/large-prompts.ts [--before /work/wt/arch-edge-before]
 *        [--sizes 1,4,10] [--repeats 2] [--rounds 2] [--concurrent 4] [--concurrent-mb 10]
 *        [--out f.json]
 *
 * `before` is another checkout (e.g. revision d5a108b, with node_modules); `after` is this one.
 * Rounds alternate before/after, each with a fresh router process run from its own checkout
 * (`tsx`, as `npm start`) on that checkout's bundled config/config.yaml (embedded category model,
 * PII and jailbreak guards, semantic cache), pointed at one simulator and with
 * `server.max_body_bytes` raised to 12 MiB on both sides so a 10 MB prompt is admitted.
 *
 * Stall: while a large prompt goes through the gateway, a probe sends `GET /health` to the same
 * gateway one after another over a keep-alive connection; the longest probe round trip is how
 * long the event loop was unavailable to other callers (probes take well under a millisecond
 * otherwise). The big body is built before the clock starts, so the bench process itself is not
 * what stalls. Peak RSS is the router's VmHWM after `--concurrent` simultaneous prompts of
 * `--concurrent-mb` MB (the maximum body size by default), on a fresh process per round.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Agent, request } from 'undici'
import {
  freePort,
  machineInfo,
  memoryOf,
  round,
  ROOT,
  startRouterProcess,
  startSimulatorProcess,
  waitUntilUp,
  type Server,
} from '../gateway/processes.js'

const MiB = 1024 * 1024
const MAX_BODY_BYTES = 12 * MiB

interface Side {
  readonly name: 'before' | 'after'
  readonly root: string
}

interface PromptResult {
  readonly side: string
  readonly round: number
  readonly megabytes: number
  readonly status: number
  readonly code?: string
  readonly requestMs: number
  readonly maxProbeMs: number
  readonly probes: number
  readonly baselineProbeMs: number
}

interface ConcurrentResult {
  readonly side: string
  readonly round: number
  readonly prompts: number
  readonly megabytes: number
  readonly statuses: number[]
  readonly wallMs: number
  readonly maxProbeMs: number
  readonly idleRssMb: number
  readonly peakRssMb: number
}

/** The checkout's own bundled config, pointed at the simulator, with room for a 10 MB body. */
async function sideConfig(root: string, simPort: number, dir: string, name: string) {
  const text = (await readFile(join(root, 'config', 'config.yaml'), 'utf8'))
    .replace(/port: 1800[12]\b/g, `port: ${simPort}`)
    .replace(/^server:\n/m, `server:\n  max_body_bytes: ${MAX_BODY_BYTES}\n`)
  if (!text.includes(`max_body_bytes: ${MAX_BODY_BYTES}`)) throw new Error('no server section')
  const path = join(dir, `${name}.yaml`)
  await writeFile(path, text)
  return path
}

/** Prose, not one repeated character: classifiers and guards see words, as with a real paste. */
function prompt(bytes: number): string {
  const sentence =
    'The committee reviewed the quarterly figures, the supply contracts and the hiring plan, ' +
    'then asked how interest rates would change the cost of the new warehouse in Lyon. '
  return sentence.repeat(Math.ceil(bytes / sentence.length)).slice(0, bytes)
}

let nonce = 0
/** Every body is a new question (a numbered request), so none is answered from the cache. */
function chatBody(megabytes: number): Buffer {
  const content = `Request ${++nonce}: ${prompt(Math.round(megabytes * 1e6))}`
  return Buffer.from(
    JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content }], max_tokens: 8 }),
  )
}

/** Sequential GET /health probes until stopped; returns every round trip in ms. */
function probe(base: string, agent: Agent): { stop: () => Promise<number[]> } {
  const times: number[] = []
  let running = true
  const loop = (async () => {
    while (running) {
      const t0 = performance.now()
      const res = await request(`${base}/health`, { dispatcher: agent })
      await res.body.text()
      times.push(performance.now() - t0)
      await new Promise((r) => setTimeout(r, 2))
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
      return times
    },
  }
}

/**
 * One chat request. A router that refuses a body before reading all of it (503 server_overloaded
 * closes the connection) may reset the upload: reported as status 0 with the client's error code.
 */
async function post(base: string, body: Buffer, agent: Agent) {
  let status = 0
  let text: string
  try {
    const res = await request(`${base}/v1/chat/completions`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json' },
      body,
      headersTimeout: 120_000,
      bodyTimeout: 120_000,
    })
    status = res.statusCode
    text = await res.body.text()
  } catch (err) {
    return { status, code: (err as { code?: string }).code ?? 'request_failed' }
  }
  let code: string | undefined
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code
  } catch {
    code = undefined
  }
  return { status, code }
}

async function baselineProbe(base: string, agent: Agent): Promise<number> {
  const p = probe(base, agent)
  await new Promise((r) => setTimeout(r, 500))
  const times = (await p.stop()).sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)] ?? 0
}

async function onePrompt(base: string, megabytes: number, body: Buffer) {
  const probeAgent = new Agent({ connections: 1 })
  const postAgent = new Agent({ connections: 8 })
  try {
    const baseline = await baselineProbe(base, probeAgent)
    const p = probe(base, probeAgent)
    const t0 = performance.now()
    const r = await post(base, body, postAgent)
    const requestMs = performance.now() - t0
    // Let the probe that was queued behind the stall come back.
    await new Promise((resolve) => setTimeout(resolve, 50))
    const times = await p.stop()
    return {
      megabytes,
      ...r,
      requestMs: round(requestMs, 1),
      maxProbeMs: round(Math.max(...times), 1),
      probes: times.length,
      baselineProbeMs: round(baseline, 2),
    }
  } finally {
    await probeAgent.close()
    await postAgent.close()
  }
}

async function concurrent(base: string, bodies: Buffer[]) {
  const n = bodies.length
  const probeAgent = new Agent({ connections: 1 })
  const postAgent = new Agent({ connections: n + 1 })
  try {
    const p = probe(base, probeAgent)
    const t0 = performance.now()
    const results = await Promise.all(bodies.map((body) => post(base, body, postAgent)))
    const wallMs = performance.now() - t0
    await new Promise((resolve) => setTimeout(resolve, 50))
    const times = await p.stop()
    return {
      statuses: results.map((r) => r.status),
      wallMs: round(wallMs, 1),
      maxProbeMs: round(Math.max(...times), 1),
    }
  } finally {
    await probeAgent.close()
    await postAgent.close()
  }
}

interface RunSettings {
  readonly sizes: number[]
  readonly repeats: number
  readonly concurrent: number
  readonly concurrentMb: number
}

/** One router process of one side: warm up, the single prompts, then the concurrent ones. */
async function measureSide(
  side: Side,
  r: number,
  base: string,
  router: Server,
  run: RunSettings,
  prompts: PromptResult[],
  concurrents: ConcurrentResult[],
): Promise<void> {
  await waitUntilUp(`${base}/health`, 180_000)
  // Ordinary requests first (a short one, then a 0.2 MB one), so lazy model loading and
  // first-use compilation are not counted as a stall.
  for (const mb of [0.001, 0.2]) {
    const warm = await post(base, chatBody(mb), new Agent())
    if (warm.status !== 200) throw new Error(`${side.name}: warm-up answered ${warm.status}`)
  }
  const idle = memoryOf(router.child.pid!)
  for (const mb of run.sizes) {
    for (let i = 0; i < run.repeats; i++) {
      const res = await onePrompt(base, mb, chatBody(mb))
      prompts.push({ side: side.name, round: r, ...res })
      process.stderr.write(
        `${side.name} r${r} ${mb} MB: ${res.status} ${res.code ?? ''} request ${res.requestMs} ms, max probe ${res.maxProbeMs} ms\n`,
      )
    }
  }
  const bigBodies = Array.from({ length: run.concurrent }, () => chatBody(run.concurrentMb))
  const c = await concurrent(base, bigBodies)
  const mem = memoryOf(router.child.pid!)
  concurrents.push({
    side: side.name,
    round: r,
    prompts: run.concurrent,
    megabytes: run.concurrentMb,
    ...c,
    idleRssMb: idle.rssMb,
    peakRssMb: mem.peakRssMb,
  })
  process.stderr.write(
    `${side.name} r${r} ${run.concurrent}x${run.concurrentMb} MB: ${c.statuses.join(',')} ${c.wallMs} ms, max probe ${c.maxProbeMs} ms, peak RSS ${mem.peakRssMb} MB\n`,
  )
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      before: { type: 'string', default: '/work/wt/arch-edge-before' },
      sizes: { type: 'string', default: '1,4,10' },
      repeats: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '2' },
      concurrent: { type: 'string', default: '4' },
      'concurrent-mb': { type: 'string', default: '10' },
      sides: { type: 'string', default: 'before,after' },
      out: { type: 'string' },
    },
  })
  const sides = (
    [
      { name: 'before', root: values.before },
      { name: 'after', root: ROOT },
    ] satisfies Side[]
  ).filter((s) => values.sides.split(',').includes(s.name))
  const sizes = values.sizes.split(',').map(Number)
  const repeats = Number(values.repeats)
  const rounds = Number(values.rounds)
  const nConcurrent = Number(values.concurrent)
  const concurrentMb = Number(values['concurrent-mb'])
  const dir = await mkdtemp(join(tmpdir(), 'bench-large-prompts-'))
  const simPort = await freePort()
  const sim = startSimulatorProcess('tsx', simPort, 'qwen3-8b', 8, [
    '--max-body-bytes',
    String(16 * MiB),
  ])
  const prompts: PromptResult[] = []
  const concurrents: ConcurrentResult[] = []
  const run: RunSettings = {
    sizes,
    repeats,
    concurrent: nConcurrent,
    concurrentMb,
  }
  const loadAtStart = (await import('node:os')).loadavg().map((x) => round(x, 2))
  try {
    await waitUntilUp(`http://127.0.0.1:${simPort}/`)
    for (let r = 0; r < rounds; r++) {
      // Alternate which side goes first so neither always meets the same background load.
      const order = r % 2 === 0 ? sides : [...sides].reverse()
      for (const side of order) {
        const config = await sideConfig(side.root, simPort, dir, `${side.name}-${r}`)
        const router = startRouterProcess('tsx', config, await freePort(), {
          root: side.root,
          name: side.name,
        })
        const base = `http://127.0.0.1:${router.port}`
        try {
          await measureSide(side, r, base, router, run, prompts, concurrents)
        } finally {
          await router.stop()
        }
      }
    }
  } finally {
    await sim.stop()
    await rm(dir, { recursive: true, force: true })
  }
  const report = summarise(prompts, concurrents, {
    sizes_mb: sizes,
    repeats,
    rounds,
    concurrent: nConcurrent,
    concurrent_mb: concurrentMb,
    max_body_bytes: MAX_BODY_BYTES,
    before: values.before,
    load_average_at_start: loadAtStart,
  })
  const text = `${JSON.stringify(report, null, 2)}\n`
  process.stdout.write(text)
  if (values.out) await writeFile(values.out, text)
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

function summarise(
  prompts: PromptResult[],
  concurrents: ConcurrentResult[],
  settings: Record<string, unknown>,
): Record<string, unknown> {
  const sizes = settings['sizes_mb'] as number[]
  const stall = sizes.map((mb) => {
    const of = (side: string) =>
      prompts.filter((p) => p.side === side && p.megabytes === mb).map((p) => p.maxProbeMs)
    const before = median(of('before'))
    const after = median(of('after'))
    return {
      megabytes: mb,
      before_median_max_stall_ms: round(before, 1),
      after_median_max_stall_ms: round(after, 1),
      after_worst_stall_ms: round(Math.max(...of('after')), 1),
      before_over_after: round(before / after, 1),
    }
  })
  const peak = (side: string) =>
    Math.max(...concurrents.filter((c) => c.side === side).map((c) => c.peakRssMb))
  return {
    benchmark: 'security-large-prompts',
    date: new Date().toISOString(),
    machine: machineInfo(),
    settings: {
      ...settings,
      runtime: 'tsx (npm start), each side from its own checkout and bundled config',
      stall_probe: 'sequential GET /health on the gateway, keep-alive, 2 ms apart',
    },
    prompts,
    concurrent: concurrents,
    summary: {
      stall,
      peak_rss_mb: {
        before: peak('before'),
        after: peak('after'),
        before_over_after: round(peak('before') / peak('after'), 2),
      },
    },
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exitCode = 1
})
