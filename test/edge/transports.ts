/**
 * The two transports under one interface for the hostile-request table: the standalone gateway
 * (real node:http server, the simulator as the upstream) and ext_proc (real gRPC server, driven by
 * the Envoy stand-in in test/helpers/envoy.ts). Both run the same config and the same pipeline.
 */
import { request as httpRequest } from 'node:http'
import { Gateway } from '../../src/gateway/server.js'
import { Pipeline } from '../../src/pipeline/pipeline.js'
import { PLUGIN_API_VERSION, type PipelineModule } from '../../src/pipeline/types.js'
import type { Simulator } from '../../src/simulator/index.js'
import { UPSTREAM_FILTER, type FilterConfig, type UpstreamRequest } from '../helpers/envoy.js'
import { completionResponse, startExtProc } from '../helpers/extproc.js'
import { makeRuntime, type TestRuntime } from '../helpers/runtime.js'
import { STALL, type HostileRequest } from './hostile-requests.js'

/** What a client and the upstream saw of one request. */
export interface Observed {
  readonly status: number
  /** Response headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** What reached the upstream (undefined: nothing was forwarded). */
  readonly upstream:
    { readonly headers: Readonly<Record<string, string>>; readonly body: string } | undefined
}

export interface TransportUnderTest {
  readonly name: 'gateway' | 'extproc'
  readonly t: TestRuntime
  /** Requests the stalling module saw aborted, by request id. */
  readonly aborted: Set<string>
  send(request: HostileRequest, requestId: string): Promise<Observed>
  close(): Promise<void>
}

/**
 * A module that, for prompts with the STALL marker, waits until the request's signal aborts (the
 * deadline) and records that it did. Every other request passes untouched.
 */
function stallingModule(aborted: Set<string>): PipelineModule {
  return {
    name: 'test_stall',
    apiVersion: PLUGIN_API_VERSION,
    async onRequest(ctx) {
      if (!ctx.request.userText.includes(STALL)) return undefined
      const signal = ctx.meta.signal
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 30_000)
        signal?.addEventListener('abort', () => {
          clearTimeout(timer)
          aborted.add(ctx.meta.requestId)
          resolve()
        })
      })
      return undefined
    },
  }
}

function withStall(t: TestRuntime, aborted: Set<string>): Pipeline {
  const base = t.runtime.pipeline
  return new Pipeline({ ...base, modules: [...base.modules, stallingModule(aborted)] })
}

function requestHeaders(req: HostileRequest, requestId: string): Record<string, string> {
  return {
    'x-request-id': requestId,
    ...(req.body === null ? {} : { 'content-type': 'application/json' }),
    ...req.headers,
  }
}

const bodyOf = (req: HostileRequest, fallback: string): string | undefined =>
  req.body === null ? undefined : (req.body ?? fallback)

export async function gatewayUnderTest(
  yaml: string,
  sim: Simulator,
  defaultBody: string,
): Promise<TransportUnderTest> {
  const t = await makeRuntime(yaml)
  const aborted = new Set<string>()
  const runtime = { ...t.runtime, pipeline: withStall(t, aborted) }
  const gateway = new Gateway({
    runtimes: { acquire: () => ({ runtime, release() {} }), current: () => runtime },
    log: t.runtime.services.log,
    metrics: t.metrics,
  })
  const { url } = await gateway.listen(0, '127.0.0.1')
  return {
    name: 'gateway',
    t,
    aborted,
    async send(req, requestId) {
      sim.clearReceived()
      const body = bodyOf(req, defaultBody)
      const headers = requestHeaders(req, requestId)
      if (body !== undefined && !req.chunked)
        headers['content-length'] = String(Buffer.byteLength(body))
      const res = await httpExchange(
        `${url}${req.path ?? '/v1/chat/completions'}`,
        req.method ?? 'POST',
        headers,
        body,
        req.chunked === true,
      )
      const seen = sim.received()[0]
      return {
        ...res,
        upstream: seen && {
          headers: flatten(seen.headers),
          body: seen.body.toString('utf8'),
        },
      }
    },
    async close() {
      await gateway.close(0)
      await t.runtime.close()
    },
  }
}

export async function extprocUnderTest(
  yaml: string,
  defaultBody: string,
): Promise<TransportUnderTest> {
  const aborted = new Set<string>()
  const f = await startExtProc(yaml, { pipeline: (t) => withStall(t, aborted) })
  return {
    name: 'extproc',
    t: f.t,
    aborted,
    async send(req, requestId) {
      const body = bodyOf(req, defaultBody)
      let upstream: UpstreamRequest | undefined
      const filter: FilterConfig = req.chunked
        ? { ...UPSTREAM_FILTER, request_body_mode: 'STREAMED' }
        : UPSTREAM_FILTER
      const ex = await f.envoy.exchange(
        {
          method: req.method ?? 'POST',
          path: req.path ?? '/v1/chat/completions',
          headers: requestHeaders(req, requestId),
          ...(body === undefined ? {} : { body }),
          chunkSize: 16 * 1024,
          declareLength: !req.chunked,
        },
        (seen) => {
          upstream = seen
          const model = (JSON.parse(seen.body.toString() || '{}') as { model?: string }).model
          return completionResponse(model ?? 'unknown')
        },
        filter,
      )
      return {
        status: ex.status,
        headers: ex.headers,
        body: ex.body.toString('utf8'),
        upstream: upstream && {
          headers: upstream.headers,
          body: upstream.body.toString('utf8'),
        },
      }
    },
    close: () => f.close(),
  }
}

function flatten(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v
  return out
}

/**
 * One request with node:http (fetch refuses several of the headers the table sends). A response
 * that arrives while the body is still being written (413 before reading) wins over write errors.
 */
function httpExchange(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  chunked: boolean,
): Promise<Omit<Observed, 'upstream'>> {
  return new Promise((resolve, reject) => {
    let answered = false
    const req = httpRequest(url, { method, headers }, (res) => {
      answered = true
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: flatten(res.headers), body: text }),
      )
      res.on('error', reject)
    })
    req.on('error', (err) => {
      if (!answered) reject(err)
    })
    if (body !== undefined) {
      const size = chunked ? 16 * 1024 : body.length
      for (let i = 0; i < body.length; i += size) req.write(body.slice(i, i + size))
    }
    req.end()
  })
}
