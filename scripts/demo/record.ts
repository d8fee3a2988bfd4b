/**
 * The recorded demo (roadmap #20), reproducible with one command: `npm run demo`.
 *
 * Starts the router on the bundled config with simulated backends (free loopback ports), opens the
 * console in headless Chromium, and runs scripts/demo/demo.sh inside `asciinema rec` (routing per
 * category, reasoning per family, a cache hit, a blocked jailbreak, a PII re-route, an endpoint
 * failing). While the terminal runs, the console is captured twice a second, following the step
 * the terminal is on; the frames become an animated GIF with ffmpeg. Then every console view is
 * captured as a screenshot for the docs.
 *
 * Outputs: docs/demo/terminal.cast (asciinema v2), docs/demo/console.gif, docs/console/*.png.
 * Needs Debian's asciinema, ffmpeg and chromium, plus curl and jq for the terminal part.
 * `--screenshots-only` skips the cast and the GIF (the same steps run without a recording).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { parseDocument } from 'yaml'

const ROOT = join(import.meta.dirname, '..', '..')
const DEMO_DIR = join(ROOT, 'docs', 'demo')
const SHOTS_DIR = join(ROOT, 'docs', 'console')
const CHROMIUM = process.env['CHROMIUM'] ?? '/usr/bin/chromium'
const VIEWPORT = { width: 1280, height: 760 }
const FRAME_MS = 500
const screenshotsOnly = process.argv.includes('--screenshots-only')

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

function need(tool: string): void {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
    throw new Error(`${tool} is not installed (apt-get install ${tool})`)
}

async function waitReady(url: string, router: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    if (router.exitCode !== null) throw new Error(`the router exited (${router.exitCode})`)
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${url} did not answer 200 within 2 minutes`)
}

interface Ports {
  gateway: number
  api: number
  metrics: number
  extproc: number
  simA: number
  simB: number
}

function writeConfig(dir: string, ports: Ports): string {
  const doc = parseDocument(readFileSync(join(ROOT, 'config', 'config.yaml'), 'utf8'))
  doc.setIn(['vllm_endpoints', 0, 'port'], ports.simA)
  doc.setIn(['vllm_endpoints', 1, 'port'], ports.simB)
  doc.setIn(['console', 'update_interval_ms'], 250)
  const path = join(dir, 'config.yaml')
  writeFileSync(path, doc.toString())
  return path
}

/** What the console shows while the terminal is on each step. */
const VIEW_FOR_STEP: Record<string, string> = {
  routing: 'flow',
  reasoning: 'decisions',
  cache: 'decisions',
  jailbreak: 'flow',
  pii: 'decisions',
  failure: 'models',
  done: 'flow',
}

async function show(page: Page, view: string): Promise<void> {
  await page.evaluate(`location.hash = '#/${view}'`)
  await page.waitForSelector(`#view-${view.split('/')[0]}:not([hidden])`)
  await page.waitForTimeout(300)
}

/** Open the detail of the newest request whose row matches `text`. */
async function openDecision(page: Page, text: RegExp): Promise<void> {
  await show(page, 'decisions')
  const rows = await page.$$('[data-testid=decisions-table] tbody tr')
  for (const row of rows)
    if (text.test((await row.textContent()) ?? '')) {
      await row.click()
      await page.waitForSelector('[data-testid=decision-detail]')
      await page.waitForTimeout(300)
      return
    }
}

async function playground(page: Page, text: string): Promise<void> {
  await show(page, 'playground')
  await page.fill('[data-testid=playground-text]', text)
  await page.click('[data-testid=playground-run]')
  await page.waitForSelector('[data-testid=playground-decision]')
  await page.waitForTimeout(300)
}

async function main(): Promise<void> {
  for (const tool of ['curl', 'jq', ...(screenshotsOnly ? [] : ['asciinema', 'ffmpeg'])]) need(tool)
  const work = mkdtempSync(join(tmpdir(), 'sr-demo-'))
  const ports: Ports = {
    gateway: await freePort(),
    api: await freePort(),
    metrics: await freePort(),
    extproc: await freePort(),
    simA: await freePort(),
    simB: await freePort(),
  }
  const config = writeConfig(work, ports)
  const router = spawn(
    process.execPath,
    [
      join(ROOT, 'bin', 'semantic-router.js'),
      'serve',
      '--config',
      config,
      '--simulate-backends',
      '--gateway-port',
      String(ports.gateway),
      '--api-port',
      String(ports.api),
      '--metrics-port',
      String(ports.metrics),
      '--port',
      String(ports.extproc),
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, SR_LOG_LEVEL: 'warn' } },
  )
  const api = `http://127.0.0.1:${ports.api}`
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  })
  try {
    await waitReady(`${api}/ready`, router)
    const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 })
    await page.goto(`${api}/ui/#/flow`)
    await page.waitForSelector('#conn[data-state="live"]')
    const markers = join(work, 'markers')
    writeFileSync(markers, '')
    const env = {
      ...process.env,
      GATEWAY: `http://127.0.0.1:${ports.gateway}`,
      SIM_A: `http://127.0.0.1:${ports.simA}`,
      SIM_B: `http://127.0.0.1:${ports.simB}`,
      METRICS: `http://127.0.0.1:${ports.metrics}`,
      MARKERS: markers,
      PAUSE: screenshotsOnly ? '0.2' : '1.2',
    }
    const script = join(ROOT, 'scripts', 'demo', 'demo.sh')
    mkdirSync(DEMO_DIR, { recursive: true })
    const terminal = screenshotsOnly
      ? spawn('bash', [script], { env, stdio: ['ignore', 'inherit', 'inherit'] })
      : spawn(
          'asciinema',
          [
            'rec',
            '--quiet',
            '--overwrite',
            '--cols',
            '118',
            '--rows',
            '34',
            '--idle-time-limit',
            '2',
            '--title',
            'semantic-router: routing, reasoning, cache, guards (simulated backends)',
            '--command',
            `bash ${script}`,
            join(DEMO_DIR, 'terminal.cast'),
          ],
          { env, stdio: ['ignore', 'inherit', 'inherit'] },
        )
    const ended = new Promise<number>((resolve) =>
      terminal.once('exit', (code) => resolve(code ?? 1)),
    )
    let finished = false
    void ended.then(() => (finished = true))
    const frames = join(work, 'frames')
    mkdirSync(frames)
    let frame = 0
    let view = 'flow'
    const capture = async (): Promise<void> => {
      if (screenshotsOnly) return
      await page.screenshot({ path: join(frames, `f${String(frame++).padStart(4, '0')}.png`) })
    }
    while (!finished) {
      const steps = readFileSync(markers, 'utf8').trim().split('\n').filter(Boolean)
      const step = steps.at(-1)?.replace('step:', '') ?? 'routing'
      const wanted = VIEW_FOR_STEP[step] ?? 'flow'
      if (wanted !== view) {
        view = wanted
        if (step === 'pii') await openDecision(page, /deepseek-v31/)
        else await show(page, view)
      }
      const started = Date.now()
      await capture()
      await page.waitForTimeout(Math.max(0, FRAME_MS - (Date.now() - started)))
    }
    if ((await ended) !== 0) throw new Error('the terminal script failed')
    // The closing scenes: why one decision went where it went, the playground, the config.
    const hold = async (): Promise<void> => {
      for (let i = 0; i < 4; i++) await capture()
    }
    await show(page, 'flow')
    await hold()
    await openDecision(page, /law.*deepseek-v31/)
    await hold()
    await playground(page, 'Solve 3x + 7 = 22 for x.')
    await hold()
    await show(page, 'models')
    await hold()

    // Screenshots of every view for the docs (full page).
    mkdirSync(SHOTS_DIR, { recursive: true })
    const shot = (name: string) =>
      page.screenshot({ path: join(SHOTS_DIR, `${name}.png`), fullPage: true })
    await show(page, 'flow')
    await shot('flow')
    await show(page, 'decisions')
    await shot('decisions')
    await openDecision(page, /law.*deepseek-v31/)
    await shot('decision-detail')
    // Wide enough for every column of the models and endpoints tables.
    await page.setViewportSize({ width: 1960, height: VIEWPORT.height })
    await show(page, 'models')
    await shot('models')
    await page.setViewportSize(VIEWPORT)
    await playground(page, 'My SSN 123-45-6789 was used to open a credit card. Can I sue the bank?')
    await shot('playground')
    await show(page, 'config')
    await page.waitForSelector('[data-testid=config-hash]')
    await shot('config')

    if (!screenshotsOnly) {
      const gif = join(DEMO_DIR, 'console.gif')
      const ffmpeg = spawnSync(
        'ffmpeg',
        [
          '-loglevel',
          'error',
          '-y',
          '-framerate',
          String(1000 / FRAME_MS),
          '-i',
          join(frames, 'f%04d.png'),
          '-vf',
          'scale=960:-1:flags=lanczos,split[a][b];[a]palettegen=max_colors=96:stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle',
          gif,
        ],
        { stdio: 'inherit' },
      )
      if (ffmpeg.status !== 0) throw new Error('ffmpeg failed')
      process.stdout.write(`\nwrote ${gif} (${frame} frames) and docs/demo/terminal.cast\n`)
    }
    process.stdout.write(`wrote ${SHOTS_DIR}/*.png\n`)
  } finally {
    await browser.close()
    router.kill('SIGTERM')
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
