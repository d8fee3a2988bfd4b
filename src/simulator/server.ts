/**
 * The simulated OpenAI-compatible backend: one HTTP listener serving one or more model names with
 * vLLM's routes (`/v1/chat/completions`, `/v1/models`, `/health`, `/metrics`) plus a debug API
 * under `/_simulator/`. Bounded everywhere: body size, connections, waiting requests, recorded
 * requests, request read time. Binds 127.0.0.1 unless told otherwise.
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readBodyUpTo } from '../http/body.js'
import { HttpListener } from '../http/server.js'
import { silentLogger, type Logger } from '../log.js'
import {
  DEFAULT_BEHAVIOUR,
  mergeBehaviour,
  type BehaviourPatch,
  type FaultSpec,
  type ModelBehaviour,
} from './behaviour.js'
import { handleChat, type ChatContext, type Responder } from './chat.js'
import { handleDebug } from './debug-api.js'
import { seededRandom } from '../seeded-random.js'
import { sendError, sendJson, SIMULATOR_HEADER, SIMULATOR_NAME } from './http-util.js'
import { SimulatorMetrics } from './metrics.js'
import { ModelState } from './model-state.js'
import { RequestRecorder, type ReceivedRequest } from './recorder.js'

const MiB = 1024 * 1024

export interface SimulatedModelOptions {
  readonly name: string
  readonly behaviour?: BehaviourPatch
}

export interface SimulatorOptions {
  /** Bind address; default 127.0.0.1. */
  host?: string
  /** Port; default 0 (a free port). */
  port?: number
  /** Model names served, each optionally with its own behaviour. Default: `simulated-model`. */
  models?: readonly (string | SimulatedModelOptions)[]
  /** Behaviour for every model (each model's own patch applies on top). */
  defaults?: BehaviourPatch
  /** Serve names nobody configured with the first model's behaviour instead of a 404. */
  acceptUnknownModels?: boolean
  /** Largest request body; default 4 MiB (413 beyond). */
  maxBodyBytes?: number
  /** Open connections at most; default 512. */
  maxConnections?: number
  /** Received requests kept for `received()`; default 1000 (oldest dropped). 0 = keep none. */
  maxRecorded?: number
  /** Seed for fault rates; default 42. */
  seed?: number
  /** Honour `[sim:...]` markers in prompts; default true. */
  promptFaults?: boolean
  /** Serve the `/_simulator/` debug API; default true. */
  debugApi?: boolean
  /** Picks answer text per request (the bench quiz uses this). */
  responder?: Responder
  /** Logger; default silent. The CLI passes the project logger. */
  logger?: Logger
}

export interface Simulator {
  /** `http://host:port` */
  readonly url: string
  /** `http://host:port/v1` — what an OpenAI client or a router endpoint takes. */
  readonly baseUrl: string
  readonly host: string
  readonly port: number
  readonly models: readonly string[]
  /** Every request received so far (oldest first, bounded by maxRecorded). */
  received(): ReceivedRequest[]
  /** Received chat-completion requests only. */
  receivedChats(): ReceivedRequest[]
  clearReceived(): void
  /** Current behaviour of a model. */
  behaviour(model: string): ModelBehaviour
  /** Change a model's behaviour at run time ('*' = every model). */
  setBehaviour(model: string, patch: BehaviourPatch): void
  /** Set or clear (undefined) a model's fault at run time ('*' = every model). */
  setFault(model: string, fault: FaultSpec | undefined): void
  metricsText(): string
  close(): Promise<void>
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1'
  const maxBodyBytes = options.maxBodyBytes ?? 4 * MiB
  const log = options.logger ?? silentLogger()
  const specs = (options.models ?? ['simulated-model']).map((m) =>
    typeof m === 'string' ? { name: m } : m,
  )
  if (specs.length === 0) throw new Error('the simulator needs at least one model name')
  const base = mergeBehaviour(DEFAULT_BEHAVIOUR, options.defaults ?? {})
  const metrics = new SimulatorMetrics(specs.map((s) => s.name))
  const models = new Map<string, ModelState>()
  for (const spec of specs) {
    if (models.has(spec.name)) throw new Error(`model ${spec.name} is listed twice`)
    const behaviour = mergeBehaviour(base, spec.behaviour ?? {})
    models.set(spec.name, new ModelState(spec.name, behaviour, metrics))
  }
  const recorder = new RequestRecorder(options.maxRecorded ?? 1000)
  const shutdown = new AbortController()
  const idPrefix = randomBytes(4).toString('hex')
  let idCounter = 0
  const chat: ChatContext = {
    models,
    fallbackModel: options.acceptUnknownModels === true ? models.values().next().value : undefined,
    metrics,
    random: seededRandom(options.seed ?? 42),
    log,
    promptFaults: options.promptFaults ?? true,
    responder: options.responder,
    nextId: () => `chatcmpl-sim-${idPrefix}-${++idCounter}`,
  }
  const statesFor = (model: string): ModelState[] => {
    if (model === '*') return [...models.values()]
    const state = models.get(model)
    if (!state) throw new Error(`unknown simulated model: ${model}`)
    return [state]
  }
  const setBehaviour = (model: string, patch: BehaviourPatch): void => {
    for (const state of statesFor(model)) state.behaviour = mergeBehaviour(state.behaviour, patch)
  }
  let port = 0

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/'
    const pathname = path.split('?')[0] ?? '/'
    const method = req.method ?? 'GET'
    const hasBody = method !== 'GET' && method !== 'HEAD'
    const { body, truncated } = hasBody
      ? await readBodyUpTo(req, maxBodyBytes)
      : { body: Buffer.alloc(0), truncated: false }
    const isDebug = pathname.startsWith('/_simulator/')
    if (!isDebug) {
      recorder.record({
        port,
        method,
        path,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body,
        truncated,
      })
    }
    if (truncated) {
      res.setHeader('connection', 'close')
      sendError(res, 413, `request body exceeds ${maxBodyBytes} bytes (semantic-router simulator)`)
      res.on('finish', () => req.destroy())
      return
    }
    if (isDebug && options.debugApi !== false) {
      handleDebug({ recorder, models, setBehaviour }, method, path, body, res)
      return
    }
    const route = `${method} ${pathname}`
    switch (route) {
      case 'POST /v1/chat/completions': {
        const abort = new AbortController()
        res.on('close', () => {
          if (!res.writableFinished) abort.abort(new Error('client closed'))
        })
        const signal = AbortSignal.any([abort.signal, shutdown.signal])
        await handleChat(chat, req, res, body, signal)
        return
      }
      case 'GET /v1/models':
        sendJson(res, 200, modelList([...models.keys()]))
        return
      case 'GET /health':
        res.writeHead(200, { [SIMULATOR_HEADER]: SIMULATOR_NAME, 'content-length': 0 })
        res.end()
        return
      case 'GET /metrics':
        res.writeHead(200, {
          'content-type': 'text/plain; version=0.0.4; charset=utf-8',
          [SIMULATOR_HEADER]: SIMULATOR_NAME,
        })
        res.end(metrics.render())
        return
      default: {
        const known = ['/v1/chat/completions', '/v1/models', '/health', '/metrics']
        if (known.includes(pathname)) sendError(res, 405, `method ${method} not allowed`)
        else sendError(res, 404, `no route ${pathname} (semantic-router simulator)`)
      }
    }
  }

  const listener = new HttpListener(
    { requestTimeoutMs: 120_000, headersTimeoutMs: 30_000, maxHeadersCount: 200 },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        log.error({ event: 'simulator_error', err }, 'simulator_error')
        if (!res.headersSent) sendError(res, 500, 'simulator internal error')
        else res.destroy()
      })
    },
  )
  listener.server.maxConnections = options.maxConnections ?? 512
  const listening = await listener.listen(options.port ?? 0, host)
  port = listening.port
  const urlHost = host.includes(':') ? `[${host}]` : host
  const url = `http://${urlHost}:${port}`
  log.info(
    { event: 'simulator_started', url, models: [...models.keys()] },
    `semantic-router simulator listening on ${url}`,
  )
  let closing: Promise<void> | undefined
  return {
    url,
    baseUrl: `${url}/v1`,
    host,
    port,
    models: [...models.keys()],
    received: () => recorder.list(),
    receivedChats: () => recorder.list().filter((r) => r.path.startsWith('/v1/chat/completions')),
    clearReceived: () => void recorder.clear(),
    behaviour: (model) => ({ ...statesFor(model)[0]!.behaviour }),
    setBehaviour,
    setFault: (model, fault) => setBehaviour(model, { fault: fault ?? null }),
    metricsText: () => metrics.render(),
    close() {
      if (!closing) {
        shutdown.abort(new Error('simulator closing'))
        closing = listener.close(0)
      }
      return closing
    },
  }
}

function modelList(names: readonly string[]): string {
  const created = Math.floor(Date.now() / 1000)
  return JSON.stringify({
    object: 'list',
    data: names.map((id) => ({
      id,
      object: 'model',
      created,
      owned_by: SIMULATOR_NAME,
      root: id,
      parent: null,
    })),
  })
}
