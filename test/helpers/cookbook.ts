/**
 * The cookbook harness: reads docs/cookbook.md into recipes (the format is described at the top of
 * that file), and runs one the way a reader would — validate the config, serve it with simulated
 * backends on every loopback endpoint (what `serve --simulate-backends` does, on free ports), send
 * each `curl` request through the gateway (port 8801) or through Envoy (port 10000: the ext_proc
 * conformance client in front of the router), and compare what comes back with what the recipe
 * says you will see.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseDocument } from 'yaml'
import { simulatorPlan } from '../../src/cli/simulated-backends.js'
import { parseRouterConfig } from '../../src/assembly/load-config.js'
import { startSimulator, type Simulator } from '../../src/simulator/index.js'
import {
  applyPipes,
  assertOutput,
  curlOutput,
  parseCommand,
  parseCurl,
  type CurlRequest,
  type CurlResult,
} from './cookbook-shell.js'
import { EnvoyClient, type UpstreamRequest, type UpstreamResponse } from './envoy.js'
import { startRouter, type TestRouter } from './router.js'

export interface Step {
  readonly command: string
  /** Status and headers the client sees (`(none)` = the header is absent). */
  readonly response?: { readonly status: number; readonly headers: Record<string, string> }
  /** A subset of the JSON body the client sees. */
  readonly responseJson?: unknown
  /** Headers on the request as it left for the backend (what Envoy routes on). */
  readonly upstreamHeaders?: Record<string, string>
  /** A subset of the JSON body the backend received. */
  readonly upstreamJson?: unknown
  /** What the command prints, after its pipes (`[a-b]` and `...` allowed; cookbook-shell.ts). */
  readonly output?: string
}

export interface Recipe {
  readonly title: string
  readonly id: string
  readonly config: string
  /** Files the config names (`keys.yaml`), written beside it: ```` ```yaml file=keys.yaml ````. */
  readonly files: Readonly<Record<string, string>>
  readonly steps: readonly Step[]
}

const FENCE = /^```([a-z]+)(?: ([a-z-]+)(?:=([A-Za-z0-9._-]+))?)?\n([\s\S]*?)^```$/gm

function parseHttp(text: string): { status: number; headers: Record<string, string> } {
  const lines = text.trim().split('\n')
  const status = /^HTTP\/[\d.]+ (\d{3})/.exec(lines[0] ?? '')
  assert.ok(status, `an http response block starts with a status line: ${lines[0]}`)
  return { status: Number(status[1]), headers: parseHeaders(lines.slice(1).join('\n')) }
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const line of text.trim().split('\n')) {
    if (line.trim() === '') continue
    const colon = line.indexOf(':')
    assert.ok(colon > 0, `header line "${line}"`)
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return headers
}

/** Every `## ` section with a `yaml recipe=<id>` block is a recipe. */
export function parseCookbook(markdown: string): Recipe[] {
  const sections = markdown.split(/^## /m).slice(1)
  const recipes: Recipe[] = []
  for (const section of sections) {
    const title = section.slice(0, section.indexOf('\n')).trim()
    let config: { id: string; text: string } | undefined
    const steps: Step[] = []
    const files: Record<string, string> = {}
    for (const m of section.matchAll(FENCE)) {
      const [lang, role, id, body] = [m[1]!, m[2], m[3], m[4]!]
      if (lang === 'yaml' && role === 'recipe') {
        assert.equal(config, undefined, `${title}: one config per recipe`)
        assert.ok(id, `${title}: the config block names the recipe (yaml recipe=<id>)`)
        config = { id, text: body }
      } else if (role === 'file') {
        assert.ok(
          id && /^[\w.-]+$/.test(id),
          `${title}: a file block names a file (file=keys.yaml)`,
        )
        files[id] = body
      } else if (lang === 'sh' && role === 'request') steps.push({ command: body.trim() })
      else if (lang === 'text' && role === 'output') {
        const step = steps.at(-1)
        assert.ok(step, `${title}: a text output block follows a request`)
        assert.ok(step.output === undefined, `${title}: one text output block per request`)
        steps[steps.length - 1] = { ...step, output: body }
      } else if (role !== undefined && ['response', 'upstream'].includes(role)) {
        const step = steps.at(-1)
        assert.ok(step, `${title}: a ${lang} ${role} block follows a request`)
        const key =
          lang === 'http'
            ? role === 'response'
              ? 'response'
              : 'upstreamHeaders'
            : role === 'response'
              ? 'responseJson'
              : 'upstreamJson'
        assert.ok(!(key in step), `${title}: one ${lang} ${role} block per request`)
        const value =
          lang === 'json'
            ? (JSON.parse(body) as unknown)
            : role === 'response'
              ? parseHttp(body)
              : parseHeaders(body)
        steps[steps.length - 1] = { ...step, [key]: value }
      }
    }
    if (config) recipes.push({ title, id: config.id, config: config.text, files, steps })
  }
  return recipes
}

/** `expected` is contained in `actual`: objects by key, arrays element by element. */
export function assertSubset(actual: unknown, expected: unknown, path = '$'): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array`)
    assert.equal(actual.length, expected.length, `${path}: length`)
    expected.forEach((e, i) => assertSubset(actual[i], e, `${path}[${i}]`))
  } else if (typeof expected === 'object' && expected !== null) {
    assert.ok(typeof actual === 'object' && actual !== null, `${path}: expected an object`)
    for (const [k, v] of Object.entries(expected))
      assertSubset((actual as Record<string, unknown>)[k], v, `${path}.${k}`)
  } else assert.deepEqual(actual, expected, path)
}

interface Served {
  readonly router: TestRouter
  readonly sims: Map<number, Simulator>
  /** The recipe's endpoint ports (18001, ...) → the free ports the simulators got. */
  readonly ports: Map<number, number>
  close(): Promise<void>
}

/** The recipe's files written to a folder of their own; the config names them there. */
async function writeFiles(recipe: Recipe): Promise<{ dir: string; config: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sr-cookbook-'))
  let config = recipe.config
  for (const [name, text] of Object.entries(recipe.files)) {
    await writeFile(join(dir, name), text)
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const mention = new RegExp(`(^|[\\s:'"[,])${escaped}(?=[\\s'",\\]}]|$)`, 'gm')
    config = config.replace(mention, (_all, before: string) => `${before}${join(dir, name)}`)
  }
  return { dir, config }
}

async function serve(recipe: Recipe, envoy: boolean): Promise<Served> {
  const files = await writeFiles(recipe)
  try {
    return await serveIn(recipe, files.config, envoy, () => rm(files.dir, { recursive: true }))
  } catch (err) {
    await rm(files.dir, { recursive: true })
    throw err
  }
}

async function serveIn(
  recipe: Recipe,
  config: string,
  envoy: boolean,
  cleanUp: () => Promise<void>,
): Promise<Served> {
  const loaded = parseRouterConfig(config, { source: `cookbook:${recipe.id}` })
  assert.deepEqual(
    loaded.warnings.map((w) => `${w.path}: ${w.message}`),
    [],
    `${recipe.id}: the config loads without warnings`,
  )
  const sims = new Map<number, Simulator>()
  const ports = new Map<number, number>()
  try {
    for (const plan of simulatorPlan(loaded.config)) {
      const sim = await startSimulator({ ...plan, port: 0, defaults: { ttftMs: 0, tpotMs: 0 } })
      sims.set(sim.port, sim)
      ports.set(plan.port ?? 0, sim.port)
    }
    // Classic configs name ports in vllm_endpoints; v0.3 ones write `host:port` endpoints.
    const doc = parseDocument(config)
    if (doc.has('vllm_endpoints'))
      loaded.config.vllm_endpoints.forEach((ep, i) => {
        const port = ports.get(ep.port)
        if (port !== undefined) doc.setIn(['vllm_endpoints', i, 'port'], port)
      })
    const router = await startRouter(localise(doc.toString(), ports), {
      listen: envoy ? { enableExtproc: true, extprocPort: 0 } : {},
    })
    return {
      router,
      sims,
      ports,
      async close() {
        await router.close()
        for (const sim of sims.values()) await sim.close()
        await cleanUp()
      },
    }
  } catch (err) {
    for (const sim of sims.values()) await sim.close()
    throw err
  }
}

/** Values in a recipe name the documented ports; the run uses free ones. */
export function localise(value: string, ports: ReadonlyMap<number, number>): string {
  return value.replace(/127\.0\.0\.1:(\d+)/g, (all, p: string) => {
    const actual = ports.get(Number(p))
    return actual === undefined ? all : `127.0.0.1:${actual}`
  })
}

function checkHeaders(
  actual: (name: string) => string | undefined,
  expected: Record<string, string>,
  ports: Map<number, number>,
  where: string,
): void {
  for (const [name, value] of Object.entries(expected)) {
    if (value === '(none)') assert.equal(actual(name), undefined, `${where}: ${name} is absent`)
    else assert.equal(actual(name), localise(value, ports), `${where}: ${name}`)
  }
}

/** Envoy's side: the destination the router wrote, else the backend serving the selected model. */
function envoyUpstream(served: Served) {
  return async (req: UpstreamRequest): Promise<UpstreamResponse> => {
    const destination = req.routeHeaders['x-vsr-destination-endpoint']
    const model = req.routeHeaders['x-selected-model']
    const sim = destination
      ? served.sims.get(Number(destination.split(':').at(-1)))
      : [...served.sims.values()].find((s) => model !== undefined && s.models.includes(model))
    assert.ok(sim, `no backend for destination ${destination} / model ${model}`)
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(req.headers)) if (!k.startsWith(':')) headers[k] = v
    delete headers['content-length']
    const res = await fetch(`${sim.url}${req.headers[':path']}`, {
      method: req.headers[':method'] ?? 'POST',
      headers,
      body: req.body.length > 0 ? req.body : null,
    })
    const out: Record<string, string> = {}
    res.headers.forEach((v, k) => {
      if (!['transfer-encoding', 'connection', 'keep-alive'].includes(k)) out[k] = v
    })
    return { status: res.status, headers: out, chunks: [Buffer.from(await res.arrayBuffer())] }
  }
}

type Sent = CurlResult & { readonly upstreamHeader: (name: string) => string | undefined }

async function send(
  served: Served,
  request: CurlRequest,
  envoy: EnvoyClient | undefined,
): Promise<Sent> {
  if (request.port === 10000) {
    assert.ok(envoy, 'Envoy requests need the ext_proc listener')
    let upstream: UpstreamRequest | undefined
    const ex = await envoy.exchange(
      {
        method: request.method,
        path: request.path,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
      },
      (req) => {
        upstream = req
        return envoyUpstream(served)(req)
      },
    )
    return {
      status: ex.status,
      header: (n: string) => ex.headers[n],
      headerLines: Object.entries(ex.headers).map(([k, v]) => `${k}: ${v}`),
      text: ex.body.toString('utf8'),
      upstreamHeader: (n: string) => upstream?.headers[n],
    }
  }
  const res = await fetch(`${baseUrl(served, request.port)}${request.path}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  })
  const text = await res.text()
  const headerLines: string[] = []
  res.headers.forEach((v, k) => headerLines.push(`${k}: ${v}`))
  return {
    status: res.status,
    header: (n: string) => res.headers.get(n) ?? undefined,
    headerLines,
    text,
    upstreamHeader: (n: string): string | undefined => {
      const last = lastReceived(served)
      const v = last?.headers[n]
      return Array.isArray(v) ? v.join(',') : v
    },
  }
}

/**
 * The documented ports: the gateway (8801), the classification API (8080), the metrics endpoint
 * (9190) and the simulated backends (the recipe's endpoint ports, e.g. the simulator's debug API to make a
 * model fail there: `-X PUT http://127.0.0.1:18002/_simulator/models/NAME/fault`, see simulator.md).
 */
function baseUrl(served: Served, port: number): string {
  const { router } = served
  const sim = served.ports.get(port)
  if (port === 8801) return router.gatewayUrl
  if (port === 8080) return router.apiUrl
  if (port === 9190) return router.metricsUrl
  if (sim !== undefined) return served.sims.get(sim)!.url
  return assert.fail(`port ${port}: the cookbook uses 8801, 8080, 9190, 10000 or a backend's`)
}

function lastReceived(served: Served) {
  return [...served.sims.values()]
    .flatMap((s) => s.receivedChats())
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.seq - b.seq)
    .at(-1)
}

/** Validate, serve and check one recipe. */
export async function runRecipe(recipe: Recipe): Promise<void> {
  assert.ok(recipe.steps.length > 0, `${recipe.id}: at least one request`)
  const commands = recipe.steps.map((s) => parseCommand(s.command))
  const envoyNeeded = commands.some((c) => parseCurl(c.curl).port === 10000)
  const served = await serve(recipe, envoyNeeded)
  const extproc = served.router.app.extproc
  const envoy = extproc ? new EnvoyClient(`127.0.0.1:${extproc.port}`) : undefined
  try {
    for (const [i, step] of recipe.steps.entries()) {
      const where = `${recipe.id} request ${i + 1}`
      const command = commands[i]!
      for (const sim of served.sims.values()) sim.clearReceived()
      // A loop runs its curl once per value; the blocks after it describe the last request.
      let printed = ''
      let got: Sent | undefined
      for (const value of command.loop?.values ?? ['']) {
        const vars = command.loop ? { [command.loop.name]: value } : {}
        const request = parseCurl(command.curl, vars)
        got = await send(served, request, envoy)
        printed += curlOutput(request, got)
      }
      assert.ok(got, `${where}: the loop sends at least one request`)
      if (step.output !== undefined) {
        const pipes = command.pipes.map((p) => localise(p, served.ports))
        assertOutput(applyPipes(printed, pipes), localise(step.output, served.ports), where)
      }
      checkStep(served, step, got, where)
    }
  } finally {
    envoy?.close()
    await served.close()
  }
}

function checkStep(served: Served, step: Step, got: Sent, where: string): void {
  if (step.response) {
    assert.equal(got.status, step.response.status, `${where}: status (${got.text})`)
    checkHeaders(got.header, step.response.headers, served.ports, where)
  }
  if (step.responseJson !== undefined)
    assertSubset(JSON.parse(got.text) as unknown, step.responseJson, `${where} response`)
  if (step.upstreamHeaders)
    checkHeaders(got.upstreamHeader, step.upstreamHeaders, served.ports, `${where} upstream`)
  if (step.upstreamJson === null)
    assert.equal(lastReceived(served), undefined, `${where}: nothing reaches a backend`)
  else if (step.upstreamJson !== undefined) {
    const last = lastReceived(served)
    assert.ok(last, `${where}: nothing reached a backend`)
    assertSubset(last.json, step.upstreamJson, `${where} upstream`)
  }
}
