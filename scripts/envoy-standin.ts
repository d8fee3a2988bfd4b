/**
 * A stand-in for Envoy, for trying the router's ext_proc mode on a machine without Docker or an
 * Envoy binary (docs/envoy-local.md). It is NOT Envoy: it is the ext_proc conformance client the
 * tests use (test/helpers/envoy.ts), which drives one `Process` stream per request the way Envoy's
 * ext_proc filter does, put behind a small HTTP listener.
 *
 * It reads the same Envoy config a real Envoy would (default deploy/envoy/local.yaml) for the
 * subset it plays: the listener address, the ext_proc filter (cluster, processing_mode,
 * allow_mode_override, message_timeout, failure_mode_allow), the header_mutation filter's removals,
 * and the ORIGINAL_DST cluster's destination header. Each request then goes: client → header
 * removals → ext_proc (the router) → the ip:port the router wrote in the destination header →
 * ext_proc again for the response → client. Unlike Envoy it buffers each upstream response before
 * the router sees it, so a streamed answer reaches the client in one piece.
 *
 *   npm run envoy:standin -- [--config deploy/envoy/local.yaml] [--listen <port>]
 *                            [--extproc <host:port>] [--verbose]
 */
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { parse as parseYaml } from 'yaml'
import {
  EnvoyClient,
  UPSTREAM_FILTER,
  type FilterConfig,
  type Headers,
  type UpstreamRequest,
  type UpstreamResponse,
} from '../test/helpers/envoy.js'

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const MAX_BODY = 16 * 1024 * 1024
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host'])

export interface StandinSettings {
  readonly listen: { readonly host: string; readonly port: number }
  readonly extproc: string
  readonly filter: FilterConfig
  readonly failureModeAllow: boolean
  readonly removeHeaders: readonly string[]
  readonly destinationHeader: string
}

function* walk(value: unknown): Generator<Obj> {
  if (Array.isArray(value)) for (const v of value) yield* walk(v)
  else if (isObj(value)) {
    yield value
    for (const v of Object.values(value)) yield* walk(v)
  }
}

function socketOf(where: unknown): { host: string; port: number } {
  const socket = [...walk(where)].find((o) => isObj(o['socket_address']))?.['socket_address']
  if (!isObj(socket)) throw new Error('no socket_address')
  return { host: String(socket['address']), port: Number(socket['port_value']) }
}

/** The parts of an Envoy bootstrap the stand-in plays (see the module comment). */
export function readEnvoyConfig(text: string): StandinSettings {
  const root = parseYaml(text) as Obj
  const resources = root['static_resources'] as Obj
  const listener = (resources['listeners'] as Obj[])[0]!
  const clusters = new Map((resources['clusters'] as Obj[]).map((c) => [String(c['name']), c]))
  const typed = [...walk(listener)].map((o) => o['typed_config']).filter(isObj)
  const extProc = typed.find((t) => String(t['@type']).endsWith('ext_proc.v3.ExternalProcessor'))
  if (!extProc) throw new Error('the listener has no ext_proc filter')
  const clusterName = String(
    ((extProc['grpc_service'] as Obj)['envoy_grpc'] as Obj)['cluster_name'],
  )
  const processor = socketOf(clusters.get(clusterName))
  const mode = (extProc['processing_mode'] ?? {}) as Partial<Record<keyof FilterConfig, string>>
  const header = (m: string | undefined, fallback: 'SEND' | 'SKIP') =>
    m === 'SEND' || m === 'SKIP' ? m : fallback
  const body = (m: string | undefined) =>
    m === 'STREAMED' || m === 'BUFFERED' || m === 'BUFFERED_PARTIAL' ? m : 'NONE'
  const configured = extProc['message_timeout']
  const timeout = /^(\d+(?:\.\d+)?)s$/.exec(typeof configured === 'string' ? configured : '0.2s')
  const originalDst = [...clusters.values()].find((c) => c['type'] === 'ORIGINAL_DST')
  const destinationHeader = (originalDst?.['original_dst_lb_config'] as Obj | undefined)?.[
    'http_header_name'
  ]
  if (typeof destinationHeader !== 'string')
    throw new Error('the stand-in plays the ORIGINAL_DST layout only (basic.yaml, local.yaml)')
  const removals = typed
    .filter((t) => String(t['@type']).endsWith('header_mutation.v3.HeaderMutation'))
    .flatMap((t) =>
      [...walk(t)].flatMap((o) => (typeof o['remove'] === 'string' ? [o['remove']] : [])),
    )
  return {
    listen: socketOf(listener['address']),
    extproc: `${processor.host}:${processor.port}`,
    filter: {
      ...UPSTREAM_FILTER,
      request_header_mode: header(mode.request_header_mode, 'SEND'),
      response_header_mode: header(mode.response_header_mode, 'SEND'),
      request_body_mode: body(mode.request_body_mode),
      response_body_mode: body(mode.response_body_mode),
      request_trailer_mode: header(mode.request_trailer_mode, 'SKIP'),
      response_trailer_mode: header(mode.response_trailer_mode, 'SKIP'),
      allow_mode_override: extProc['allow_mode_override'] === true,
      message_timeout_ms: Number(timeout?.[1] ?? 0.2) * 1000,
    },
    failureModeAllow: extProc['failure_mode_allow'] === true,
    removeHeaders: removals,
    destinationHeader: destinationHeader.toLowerCase(),
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= MAX_BODY) chunks.push(c)
    })
    req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** What Envoy's ORIGINAL_DST cluster does: connect to the ip:port named in the header. */
function forward(destinationHeader: string, req: UpstreamRequest): Promise<UpstreamResponse> {
  const destination = req.routeHeaders[destinationHeader]
  if (destination === undefined) {
    const text = `stand-in: the router set no ${destinationHeader} header, so there is no upstream`
    return Promise.resolve({ status: 503, headers: {}, chunks: [Buffer.from(text)] })
  }
  const url = new URL(`http://${destination}`)
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.headers)) if (!k.startsWith(':')) headers[k] = v
  headers['host'] = destination
  headers['content-length'] = String(req.body.length)
  return new Promise((resolve, reject) => {
    const out = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: req.headers[':method'],
        path: req.headers[':path'],
        headers,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', reject)
        res.on('end', () => {
          const h: Headers = {}
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined && !HOP_BY_HOP.has(k)) h[k] = Array.isArray(v) ? v.join(',') : v
          resolve({ status: res.statusCode ?? 502, headers: h, chunks })
        })
      },
    )
    out.on('error', reject)
    out.end(req.body)
  })
}

export interface Standin {
  readonly url: string
  close(): Promise<void>
}

export async function startStandin(
  settings: StandinSettings,
  log: (line: string) => void,
  verbose = false,
): Promise<Standin> {
  const envoy = new EnvoyClient(settings.extproc)
  const server = createServer((req, res) => {
    const started = performance.now()
    void (async () => {
      const body = await readBody(req)
      if (body === undefined) {
        res.writeHead(413).end('payload too large')
        return
      }
      const headers: Headers = {}
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined && !HOP_BY_HOP.has(k) && k !== 'content-length')
          headers[k] = Array.isArray(v) ? v.join(',') : v
      for (const name of settings.removeHeaders) delete headers[name.toLowerCase()]
      let upstream: UpstreamRequest | undefined
      try {
        const ex = await envoy.exchange(
          {
            method: req.method ?? 'GET',
            path: req.url ?? '/',
            headers,
            ...(body.length > 0 || req.method === 'POST' ? { body } : {}),
          },
          (r) => {
            upstream = r
            return forward(settings.destinationHeader, r)
          },
          settings.filter,
        )
        const out: Record<string, string> = {}
        for (const [k, v] of Object.entries(ex.headers))
          if (!HOP_BY_HOP.has(k) && k !== 'content-length') out[k] = v
        res.writeHead(ex.status, out).end(ex.body)
        log(
          JSON.stringify({
            method: req.method,
            path: req.url,
            status: ex.status,
            answered_by: ex.immediate ? 'router (immediate response)' : 'upstream',
            selected_model: upstream?.headers['x-selected-model'] ?? null,
            selected_endpoint: upstream?.routeHeaders[settings.destinationHeader] ?? null,
            duration_ms: Math.round(performance.now() - started),
            ...(verbose ? { ext_proc: ex.transcript } : {}),
          }),
        )
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err)
        // Envoy answers 500 when the processor fails and failure_mode_allow is false; with it
        // true a real Envoy would forward unrouted, but without the router there is no upstream.
        res.writeHead(500).end(`stand-in: ext_proc failed: ${message}`)
        log(JSON.stringify({ method: req.method, path: req.url, status: 500, error: message }))
      }
    })()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(settings.listen.port, settings.listen.host, resolve)
  })
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    url: `http://${settings.listen.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        envoy.close()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: 'deploy/envoy/local.yaml' },
      listen: { type: 'string' },
      extproc: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  })
  const read = readEnvoyConfig(readFileSync(values.config, 'utf8'))
  const settings: StandinSettings = {
    ...read,
    listen: {
      ...read.listen,
      port: values.listen === undefined ? read.listen.port : Number(values.listen),
    },
    extproc: values.extproc ?? read.extproc,
  }
  const standin = await startStandin(settings, (l) => console.log(l), values.verbose)
  console.log(
    `envoy stand-in (not Envoy: the ext_proc conformance client) listening on ${standin.url}, ext_proc ${settings.extproc}, config ${values.config}`,
  )
  const stop = (): void => void standin.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) await main()
