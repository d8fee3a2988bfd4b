/**
 * Starts the whole router (createRouterApp) on port 0 in front of real simulator listeners, with
 * captured logs and a private metrics registry, for integration tests.
 */
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before } from 'node:test'
import { parseDocument } from 'yaml'
import { createRouterApp, type RouterApp, type RouterAppOptions } from '../../src/assembly/app.js'
import { createLogger } from '../../src/log.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js'
import { EnvoyClient } from './envoy.js'
import { unusedPort } from './ports.js'
import { TEST_MODELS } from './models.js'
import { logCapture, type LogLine } from './runtime.js'

export interface TestRouter {
  app: RouterApp
  /** Gateway base URL including /v1 (what an OpenAI client takes). */
  baseURL: string
  gatewayUrl: string
  apiUrl: string
  metricsUrl: string
  configPath: string
  logs: LogLine[]
  events(name: string): LogLine[]
  metricsText(): Promise<string>
  close(): Promise<void>
}

export const LOOPBACK_PORTS = {
  host: '127.0.0.1',
  gatewayPort: 0,
  apiPort: 0,
  metricsPort: 0,
  enableExtproc: false,
}

/** Start the router from YAML text written to a temporary file (so reload tests can rewrite it). */
export async function startRouter(
  yaml: string,
  options: Partial<RouterAppOptions> = {},
): Promise<TestRouter> {
  const dir = await mkdtemp(join(tmpdir(), 'sr-router-'))
  const configPath = join(dir, 'config.yaml')
  await writeFile(configPath, yaml)
  const capture = logCapture()
  const log = createLogger({ level: 'debug', destination: capture.stream })
  const metrics = new RouterMetrics({ processMetrics: true })
  let app: RouterApp
  try {
    app = await createRouterApp({
      configPath,
      log,
      metrics,
      watch: false,
      reloadDebounceMs: 50,
      models: TEST_MODELS,
      ...options,
      listen: { ...LOOPBACK_PORTS, ...options.listen },
    })
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw err
  }
  return {
    app,
    baseURL: `${app.gateway?.url ?? ''}/v1`,
    gatewayUrl: app.gateway?.url ?? '',
    apiUrl: app.api?.url ?? '',
    metricsUrl: app.metricsServer?.url ?? '',
    configPath,
    logs: capture.lines,
    events: (name) => capture.lines.filter((l) => l.event === name),
    metricsText: () => metrics.registry.metrics(),
    close: async () => {
      await app.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/**
 * One router for the enclosing describe block: started in `before`, closed in `after`. The fields
 * are set once the block's tests run.
 */
export function useRouter(
  yaml: string | (() => string),
  options: Partial<RouterAppOptions> = {},
): { readonly router: TestRouter; readonly api: string } {
  const suite = {} as { router: TestRouter; api: string }
  before(async () => {
    suite.router = await startRouter(typeof yaml === 'string' ? yaml : yaml(), options)
    suite.api = suite.router.apiUrl
  })
  after(() => suite.router?.close())
  return suite
}

/** A simulator given by the models it serves, or by all its options. */
export type SimulatorSpec = readonly string[] | SimulatorOptions

function simulatorOptions(spec: SimulatorSpec): SimulatorOptions {
  return isModelList(spec) ? { models: [...spec] } : spec
}

function isModelList(spec: SimulatorSpec): spec is readonly string[] {
  return Array.isArray(spec)
}

/**
 * A simulator and the router in front of it (its config written for the simulator's port), started
 * before the enclosing block (or file) and closed after it. The fields are set once tests run.
 */
export function useSimulatedRouter(
  simulator: SimulatorSpec,
  yaml: (simPort: number) => string,
  options: Partial<RouterAppOptions> = {},
): { readonly sim: Simulator; readonly router: TestRouter } {
  const suite = {} as { sim: Simulator; router: TestRouter }
  before(async () => {
    suite.sim = await startSim(simulatorOptions(simulator))
    suite.router = await startRouter(yaml(suite.sim.port), options)
  })
  after(async () => {
    await suite.router?.close()
    await suite.sim?.close()
  })
  return suite
}

/**
 * A simulator, the router in front of it with ext_proc on, and an Envoy client on that ext_proc,
 * started before the suite and closed after it: for tests that send the same request through both
 * transports.
 */
export function useBothTransports(
  simulator: SimulatorSpec,
  yaml: (simPort: number) => string,
): { readonly sim: Simulator; readonly router: TestRouter; readonly envoy: EnvoyClient } {
  const suite = {} as { sim: Simulator; router: TestRouter; envoy: EnvoyClient }
  before(async () => {
    suite.sim = await startSim(simulatorOptions(simulator))
    suite.router = await startRouter(yaml(suite.sim.port), {
      listen: { enableExtproc: true, extprocPort: 0 },
    })
    suite.envoy = new EnvoyClient(`127.0.0.1:${suite.router.app.extproc!.port}`)
  })
  after(async () => {
    suite.envoy?.close()
    await suite.router?.close()
    await suite.sim?.close()
  })
  return suite
}

/**
 * A loopback port nothing listens on (a dead endpoint; a simulator may start on it later), which no
 * listen(0) elsewhere can take meanwhile (ports.ts).
 */
export function closedPort(): Promise<number> {
  return unusedPort()
}

export function startSim(options: SimulatorOptions): Promise<Simulator> {
  return startSimulator({ host: '127.0.0.1', port: 0, ...options })
}

/**
 * A config with three model families on one simulator: qwen3 (chat_template_kwargs
 * enable_thinking), deepseek (chat_template_kwargs thinking), gpt-oss (reasoning_effort), and a
 * model with no family. Keyword rules pick the category.
 */
export function familiesConfig(simPort: number, extra = ''): string {
  return `
vllm_endpoints:
  - { name: sim, address: 127.0.0.1, port: ${simPort}, weight: 1 }
model_config:
  qwen3-8b: { reasoning_family: qwen3, preferred_endpoints: [sim], pricing: { prompt_per_1m: 1, completion_per_1m: 2 } }
  deepseek-v31: { reasoning_family: deepseek, preferred_endpoints: [sim] }
  gpt-oss-20b: { reasoning_family: gpt-oss, preferred_endpoints: [sim] }
  plain-model: { preferred_endpoints: [sim] }
default_model: plain-model
reasoning_families:
  qwen3: { type: chat_template_kwargs, parameter: enable_thinking }
  deepseek: { type: chat_template_kwargs, parameter: thinking }
  gpt-oss: { type: reasoning_effort, parameter: reasoning_effort }
keyword_rules:
  - { category: math, operator: OR, keywords: [integral] }
  - { category: chat, operator: OR, keywords: [weather] }
  - { category: code, operator: OR, keywords: [python] }
  - { category: essay, operator: OR, keywords: [essay] }
  - { category: plain, operator: OR, keywords: [hello] }
categories:
  - name: math
    system_prompt: You are a mathematician.
    model_scores: [{ model: qwen3-8b, score: 0.9, use_reasoning: true }]
  - name: chat
    model_scores: [{ model: qwen3-8b, score: 0.9, use_reasoning: false }]
  - name: code
    system_prompt: Prefer runnable code.
    system_prompt_mode: insert
    model_scores: [{ model: deepseek-v31, score: 0.9, use_reasoning: true }]
  - name: essay
    model_scores: [{ model: gpt-oss-20b, score: 0.9, use_reasoning: true, reasoning_effort: high }]
  - name: plain
    model_scores: [{ model: plain-model, score: 0.9, use_reasoning: true }]
${extra}`
}

export const FAMILY_MODELS = ['qwen3-8b', 'deepseek-v31', 'gpt-oss-20b', 'plain-model']

/** The models config/config.yaml (the bundled config) serves. */
export const BUNDLED_MODELS = ['qwen3-8b', 'deepseek-v31', 'gpt-oss-20b', 'small-chat']

/**
 * config/config.yaml with both endpoints on one simulator port, optionally edited (a YAML path and
 * value per edit), as YAML text for startRouter / makeRuntime.
 */
export function bundledConfig(simPort: number, edits: [PathSegments, unknown][] = []): string {
  const doc = parseDocument(
    readFileSync(join(import.meta.dirname, '..', '..', 'config', 'config.yaml'), 'utf8'),
  )
  for (const i of [0, 1]) doc.setIn(['vllm_endpoints', i, 'port'], simPort)
  for (const [path, value] of edits) doc.setIn(path, value)
  return doc.toString()
}
type PathSegments = (string | number)[]

/** Parsed JSON of unknown shape (tests index into it freely). */
export type Json = ReturnType<typeof JSON.parse>

/** The body of a fetch response as JSON. */
export async function readJson(res: Response): Promise<Json> {
  return JSON.parse(await res.text())
}

/** POST JSON (or raw bytes) to a URL with fetch; returns status, headers and parsed body. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: Json; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  })
  const text = await res.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, json, text }
}
