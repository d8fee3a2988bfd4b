/**
 * An Envoy stand-in for ext_proc tests and benchmarks (no Envoy binary exists here). It drives one
 * `Process` stream per HTTP request exactly as Envoy's ext_proc filter does:
 *
 * - request headers (values in raw_value), end_of_stream when there is no body; the reply's header
 *   mutation is applied with Envoy's rules (`:`-headers and `host` cannot be removed, `:method`,
 *   `:scheme`, `:authority`, `host` cannot be set, `x-envoy-*` neither set nor removed unless the
 *   client is built with `allowEnvoy`, the filter's `mutation_rules.allow_envoy`) and mode_override honoured only
 *   when allowed and only in header replies (request_header_mode ignored);
 * - the request body BUFFERED (one message, end_of_stream) or STREAMED (one message per chunk, all
 *   sent without waiting, replies read in order, each replacing or clearing its own chunk); header
 *   mutations in body replies apply in BUFFERED mode only; a body mutation whose content-length
 *   disagrees is rejected with a local 500;
 * - the route is chosen when the request headers leave the filter: after the body reply in
 *   BUFFERED mode, after the headers reply in STREAMED/NONE mode;
 * - trailers are sent only when their mode is SEND (default SKIP);
 * - response headers, then the response body per the (possibly overridden) response mode;
 * - an ImmediateResponse ends the exchange in any phase (in a response phase it replaces the
 *   upstream response); the stream is then half-closed as Envoy does.
 */
import {
  credentials as grpcCredentials,
  type ChannelCredentials,
  type ClientDuplexStream,
} from '@grpc/grpc-js'
import { makeGenericClientConstructor } from '@grpc/grpc-js'
import { loadServices } from '../../src/extproc/proto.js'
import type {
  CommonResponse,
  HeaderMutation,
  HeaderValue,
  ProcessingMode,
  ProcessingRequest,
  ProcessingResponse,
} from '../../src/extproc/wire.js'

export type BodyMode = 'NONE' | 'STREAMED' | 'BUFFERED' | 'BUFFERED_PARTIAL'
export type HeaderMode = 'SEND' | 'SKIP'

const BODY_MODE: Record<BodyMode, number> = {
  NONE: 0,
  STREAMED: 1,
  BUFFERED: 2,
  BUFFERED_PARTIAL: 3,
}
const BODY_MODE_NAME = ['NONE', 'STREAMED', 'BUFFERED', 'BUFFERED_PARTIAL'] as const

export interface FilterConfig {
  request_header_mode: HeaderMode
  response_header_mode: HeaderMode
  request_body_mode: BodyMode
  response_body_mode: BodyMode
  request_trailer_mode: HeaderMode
  response_trailer_mode: HeaderMode
  allow_mode_override: boolean
  observability_mode: boolean
  /** Send protocol_config on the first message, as Envoy ≥ 1.34 does. */
  send_protocol_config: boolean
  /** Envoy's message_timeout: how long to wait for each reply. */
  message_timeout_ms: number
}

/** vLLM Semantic Router's reference Envoy config (config/envoy.yaml). */
export const UPSTREAM_FILTER: FilterConfig = {
  request_header_mode: 'SEND',
  response_header_mode: 'SEND',
  request_body_mode: 'BUFFERED',
  response_body_mode: 'BUFFERED',
  request_trailer_mode: 'SKIP',
  response_trailer_mode: 'SKIP',
  allow_mode_override: true,
  observability_mode: false,
  send_protocol_config: false,
  message_timeout_ms: 30_000,
}

export type Headers = Record<string, string>

export interface UpstreamRequest {
  headers: Headers
  body: Buffer
  /** Headers as they stood when Envoy's router picked the route (decides the destination). */
  routeHeaders: Headers
  clearRouteCache: boolean
  dynamicMetadata: Record<string, unknown> | undefined
}

export interface UpstreamResponse {
  status: number
  headers: Headers
  chunks: Buffer[]
  trailers?: Headers
}

export interface ClientRequest {
  method?: string
  path?: string
  headers?: Headers
  /** undefined = no body (end_of_stream on the headers). */
  body?: Buffer | string
  /** STREAMED request bodies are cut into chunks of this size. */
  chunkSize?: number
  /** Send `content-length` with a body (default true; false = a chunked upload). */
  declareLength?: boolean
  trailers?: Headers
}

export interface Exchange {
  /** Envoy's answer to the client: from an ImmediateResponse, a local reply, or the upstream. */
  status: number
  headers: Headers
  body: Buffer
  immediate: boolean
  details: string | undefined
  upstreamRequest: UpstreamRequest | undefined
  /** Every message in order: `> kind[eos]` sent by Envoy, `< kind` received. */
  transcript: string[]
  /** The effective response body mode after any override. */
  responseBodyMode: BodyMode
  /** Header mutations Envoy ignored (body replies outside BUFFERED mode). */
  ignoredHeaderMutations: number
}

type Stream = ClientDuplexStream<ProcessingRequest, ProcessingResponse>

class ReplyReader {
  private readonly queue: ProcessingResponse[] = []
  private waiter: ((r: ProcessingResponse | Error) => void) | undefined
  private failure: Error | undefined
  constructor(stream: Stream) {
    stream.on('data', (r: ProcessingResponse) => this.push(r))
    stream.on('error', (e: Error) => this.fail(e))
    stream.on('end', () => this.fail(new Error('stream ended by the server')))
  }
  private push(r: ProcessingResponse): void {
    const w = this.waiter
    if (w) {
      this.waiter = undefined
      w(r)
    } else this.queue.push(r)
  }
  private fail(e: Error): void {
    this.failure ??= e
    const w = this.waiter
    this.waiter = undefined
    w?.(e)
  }
  next(timeoutMs: number): Promise<ProcessingResponse> {
    const queued = this.queue.shift()
    if (queued) return Promise.resolve(queued)
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined
        reject(new Error(`no reply within ${timeoutMs} ms (Envoy message_timeout)`))
      }, timeoutMs)
      this.waiter = (r) => {
        clearTimeout(timer)
        if (r instanceof Error) reject(r)
        else resolve(r)
      }
    })
  }
}

function headerList(headers: Headers): HeaderValue[] {
  return Object.entries(headers).map(([key, value]) => ({ key, raw_value: Buffer.from(value) }))
}

function mutationValue(h: HeaderValue): string {
  if (h.raw_value && h.raw_value.length > 0) return h.raw_value.toString('utf8')
  return h.value ?? ''
}

const UNSETTABLE = new Set([':method', ':scheme', ':authority', 'host'])

/**
 * Apply a HeaderMutation with Envoy's mutation rules: the defaults, or with `allowEnvoy` the ext_proc
 * filter's `mutation_rules: {allow_envoy: true}` (x-envoy-* may then be set and removed).
 */
export function applyHeaderMutation(
  headers: Headers,
  mutation: HeaderMutation | undefined,
  allowEnvoy = false,
): void {
  if (!mutation) return
  const envoyHeader = (key: string): boolean => !allowEnvoy && key.startsWith('x-envoy-')
  for (const name of mutation.remove_headers ?? []) {
    const key = name.toLowerCase()
    if (key.startsWith(':') || key === 'host' || envoyHeader(key)) continue
    delete headers[key]
  }
  for (const option of mutation.set_headers ?? []) {
    const key = option.header.key.toLowerCase()
    if (UNSETTABLE.has(key) || envoyHeader(key)) continue
    if (option.header.value && option.header.raw_value?.length)
      throw new Error(`header ${key}: both value and raw_value set`)
    const value = mutationValue(option.header)
    // append_action: 0 append, 1 add if absent, 2 overwrite or add, 3 overwrite if exists
    const action = option.append_action ?? 0
    if (action === 1 && key in headers) continue
    if (action === 3 && !(key in headers)) continue
    headers[key] = action === 0 && key in headers ? `${headers[key]},${value}` : value
  }
}

function modeName(value: number | undefined): BodyMode {
  return BODY_MODE_NAME[value ?? 0] ?? 'NONE'
}

function chunk(body: Buffer, size: number): Buffer[] {
  if (body.length === 0) return [body]
  const out: Buffer[] = []
  for (let i = 0; i < body.length; i += size) out.push(body.subarray(i, i + size))
  return out
}

export interface EnvoyClientOptions {
  credentials?: ChannelCredentials
  /** TLS server name override (self-signed localhost certificates). */
  serverName?: string
  /** The ext_proc filter's `mutation_rules: {allow_envoy: true}` (default: Envoy's default rules). */
  allowEnvoy?: boolean
}

export class EnvoyClient {
  private readonly client: InstanceType<ReturnType<typeof makeGenericClientConstructor>>

  private readonly allowEnvoy: boolean

  constructor(address: string, options: EnvoyClientOptions = {}) {
    this.allowEnvoy = options.allowEnvoy ?? false
    const Ctor = makeGenericClientConstructor(loadServices().extProc, 'ExternalProcessor')
    this.client = new Ctor(
      address,
      options.credentials ?? grpcCredentials.createInsecure(),
      options.serverName ? { 'grpc.ssl_target_name_override': options.serverName } : {},
    )
  }

  /** A raw stream, for tests that script messages by hand. */
  open(): {
    stream: Stream
    next: (timeoutMs?: number) => Promise<ProcessingResponse>
    /** The gRPC status the server closed the stream with. */
    status: Promise<{ code: number; details: string }>
  } {
    const stream = (this.client as unknown as { Process(): Stream }).Process()
    const reader = new ReplyReader(stream)
    const status = new Promise<{ code: number; details: string }>((resolve) =>
      stream.on('status', (s: { code: number; details: string }) => resolve(s)),
    )
    return { stream, next: (t = 30_000) => reader.next(t), status }
  }

  close(): void {
    this.client.close()
  }

  /** Play one HTTP request through the filter; `upstream` answers what reaches the backend. */
  async exchange(
    request: ClientRequest,
    upstream: (req: UpstreamRequest) => UpstreamResponse | Promise<UpstreamResponse>,
    config: FilterConfig = UPSTREAM_FILTER,
    hooks: { cancelAfter?: string } = {},
  ): Promise<Exchange> {
    const { stream, next, status: closed } = this.open()
    const transcript: string[] = []
    const timeout = config.message_timeout_ms
    const observe = config.observability_mode
    let first = true
    const send = (msg: ProcessingRequest, label: string): void => {
      if (observe) msg.observability_mode = true
      if (first && config.send_protocol_config)
        msg.protocol_config = {
          request_body_mode: BODY_MODE[config.request_body_mode],
          response_body_mode: BODY_MODE[config.response_body_mode],
        }
      first = false
      transcript.push(`> ${label}`)
      stream.write(msg)
      if (hooks.cancelAfter === label) {
        stream.cancel()
        throw new CancelledByTest(transcript)
      }
    }
    const receive = async (expected: string): Promise<ProcessingResponse | undefined> => {
      if (observe) return undefined
      const reply = await next(timeout)
      const kind =
        Object.keys(reply).find(
          (k) =>
            k !== 'response' &&
            k !== 'dynamic_metadata' &&
            k !== 'mode_override' &&
            k !== 'override_message_timeout',
        ) ?? '?'
      transcript.push(`< ${kind}`)
      if (kind !== expected && kind !== 'immediate_response')
        throw new Error(`expected ${expected} reply, got ${kind}`)
      return reply
    }
    // Envoy half-closes when the exchange is over; the server then finishes and closes with OK.
    const done = async (exchange: Omit<Exchange, 'transcript'>): Promise<Exchange> => {
      stream.end()
      const final = await closed
      if (final.code !== 0)
        throw new Error(`stream closed with gRPC status ${final.code}: ${final.details}`)
      return { ...exchange, transcript }
    }

    const method = request.method ?? 'POST'
    const body = request.body === undefined ? undefined : Buffer.from(request.body)
    const headers: Headers = {
      ':method': method,
      ':path': request.path ?? '/v1/chat/completions',
      ':authority': 'router.local',
      ':scheme': 'http',
      'x-request-id': `req-${Math.random().toString(36).slice(2)}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(body && request.declareLength !== false ? { 'content-length': String(body.length) } : {}),
      // Envoy hands ext_proc lower-case names (HTTP/2 requires them; its HTTP/1 codec lower-cases).
      ...Object.fromEntries(
        Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
      ),
    }
    let requestBodyMode = config.request_body_mode
    let responseBodyMode = config.response_body_mode
    let responseHeaderMode = config.response_header_mode
    let clearRouteCache = false
    let dynamicMetadata: Record<string, unknown> | undefined
    let ignored = 0
    const immediate = (reply: ProcessingResponse): Promise<Exchange> => {
      const ir = reply.immediate_response!
      const h: Headers = {}
      applyHeaderMutation(h, ir.headers)
      return done({
        status: ir.status.code,
        headers: h,
        body: ir.body ?? Buffer.alloc(0),
        immediate: true,
        details: ir.details,
        upstreamRequest: undefined,
        responseBodyMode,
        ignoredHeaderMutations: ignored,
      })
    }
    const overrides = (reply: ProcessingResponse | undefined): void => {
      const mode: ProcessingMode | undefined = reply?.mode_override
      if (!mode || !config.allow_mode_override) return
      requestBodyMode = modeName(mode.request_body_mode)
      responseBodyMode = modeName(mode.response_body_mode)
      responseHeaderMode = mode.response_header_mode === 2 ? 'SKIP' : 'SEND'
    }
    const common = (reply: ProcessingResponse | undefined, kind: keyof ProcessingResponse) =>
      (reply?.[kind] as { response?: CommonResponse } | undefined)?.response

    try {
      // Request headers
      const hasBody = body !== undefined && requestBodyMode !== 'NONE'
      if (config.request_header_mode === 'SEND') {
        send(
          {
            request_headers: {
              headers: { headers: headerList(headers) },
              end_of_stream: body === undefined,
            },
          },
          `request_headers${body === undefined ? '[eos]' : ''}`,
        )
        const reply = await receive('request_headers')
        if (reply?.immediate_response) return immediate(reply)
        const c = common(reply, 'request_headers')
        applyHeaderMutation(headers, c?.header_mutation, this.allowEnvoy)
        if (c?.clear_route_cache) clearRouteCache = true
        if (reply?.dynamic_metadata) dynamicMetadata = reply.dynamic_metadata as never
        overrides(reply)
      }
      let routeHeaders: Headers | undefined
      const bufferedBody = requestBodyMode === 'BUFFERED' || requestBodyMode === 'BUFFERED_PARTIAL'
      if (!(hasBody && bufferedBody && body !== undefined && requestBodyMode !== 'NONE'))
        routeHeaders = { ...headers }

      // Request body
      let upstreamBody = body ?? Buffer.alloc(0)
      if (body !== undefined && requestBodyMode !== 'NONE') {
        const pieces = bufferedBody ? [body] : chunk(body, request.chunkSize ?? 64)
        const lastIndex = pieces.length - 1
        const withTrailers = request.trailers !== undefined
        pieces.forEach((piece, i) => {
          const eos = i === lastIndex && !withTrailers
          send(
            { request_body: { body: piece, end_of_stream: eos } },
            `request_body${eos ? '[eos]' : ''}`,
          )
        })
        const out: Buffer[] = []
        for (const piece of pieces) {
          const reply = await receive('request_body')
          if (reply?.immediate_response) return immediate(reply)
          const c = common(reply, 'request_body')
          if (c?.clear_route_cache) clearRouteCache = true
          if (reply?.dynamic_metadata) dynamicMetadata = reply.dynamic_metadata as never
          if (
            c?.header_mutation &&
            (c.header_mutation.set_headers?.length || c.header_mutation.remove_headers?.length)
          ) {
            if (bufferedBody) applyHeaderMutation(headers, c.header_mutation, this.allowEnvoy)
            else ignored++
          }
          const m = c?.body_mutation as { body?: Buffer; clear_body?: boolean } | undefined
          if (m?.body !== undefined) out.push(m.body)
          else if (m?.clear_body) out.push(Buffer.alloc(0))
          else out.push(piece)
        }
        upstreamBody = Buffer.concat(out)
        if (bufferedBody) {
          const declared = headers['content-length']
          if (declared !== undefined && Number(declared) !== upstreamBody.length)
            return done({
              status: 500,
              headers: {},
              body: Buffer.from('content-length mismatch after body mutation'),
              immediate: false,
              details: 'ext_proc_error_gRPC_error',
              upstreamRequest: undefined,
              responseBodyMode,
              ignoredHeaderMutations: ignored,
            })
        } else if (!observe && out.some((b, i) => b !== pieces[i])) delete headers['content-length']
        if (withTrailers && config.request_trailer_mode === 'SEND') {
          send(
            { request_trailers: { trailers: { headers: headerList(request.trailers!) } } },
            'request_trailers',
          )
          await receive('request_trailers')
        }
      }
      routeHeaders ??= { ...headers }

      const upstreamRequest: UpstreamRequest = {
        headers: { ...headers },
        body: upstreamBody,
        routeHeaders,
        clearRouteCache,
        dynamicMetadata,
      }
      const response = await upstream(upstreamRequest)

      // Response headers
      const responseHeaders: Headers = { ':status': String(response.status), ...response.headers }
      const hasResponseBody = response.chunks.length > 0
      if (responseHeaderMode === 'SEND') {
        const eos = !hasResponseBody && !response.trailers
        send(
          {
            response_headers: {
              headers: { headers: headerList(responseHeaders) },
              end_of_stream: eos,
            },
          },
          `response_headers${eos ? '[eos]' : ''}`,
        )
        const reply = await receive('response_headers')
        if (reply?.immediate_response) return immediate(reply)
        applyHeaderMutation(
          responseHeaders,
          common(reply, 'response_headers')?.header_mutation,
          this.allowEnvoy,
        )
        overrides(reply)
      }

      // Response body
      let clientBody = Buffer.concat(response.chunks)
      if (hasResponseBody && responseBodyMode !== 'NONE') {
        const buffered = responseBodyMode === 'BUFFERED' || responseBodyMode === 'BUFFERED_PARTIAL'
        const pieces = buffered ? [clientBody] : response.chunks
        const lastIndex = pieces.length - 1
        pieces.forEach((piece, i) => {
          const eos = i === lastIndex && !response.trailers
          send(
            { response_body: { body: piece, end_of_stream: eos } },
            `response_body${eos ? '[eos]' : ''}`,
          )
        })
        const out: Buffer[] = []
        for (const piece of pieces) {
          const reply = await receive('response_body')
          // Envoy honours an ImmediateResponse in any phase; in BUFFERED mode nothing of the
          // upstream response has reached the client yet, so it replaces the whole response.
          if (reply?.immediate_response) return immediate(reply)
          const m = common(reply, 'response_body')?.body_mutation as
            { body?: Buffer; clear_body?: boolean } | undefined
          out.push(m?.body ?? (m?.clear_body ? Buffer.alloc(0) : piece))
        }
        clientBody = Buffer.concat(out)
      }
      if (response.trailers && config.response_trailer_mode === 'SEND') {
        send(
          { response_trailers: { trailers: { headers: headerList(response.trailers) } } },
          'response_trailers',
        )
        await receive('response_trailers')
      }
      const status = Number(responseHeaders[':status'])
      delete responseHeaders[':status']
      return done({
        status,
        headers: responseHeaders,
        body: clientBody,
        immediate: false,
        details: undefined,
        upstreamRequest,
        responseBodyMode,
        ignoredHeaderMutations: ignored,
      })
    } catch (err) {
      if (err instanceof CancelledByTest) throw err
      stream.cancel()
      throw err
    }
  }
}

/** Thrown by exchange() when the test asked Envoy to reset the stream at a given message. */
export class CancelledByTest extends Error {
  readonly transcript: string[]
  constructor(transcript: string[]) {
    super('stream cancelled by the test')
    this.transcript = transcript
  }
}

/** Decode `dynamic_metadata` (a Struct) into plain `{ ns: { key: value } }`. */
export function structToPlain(struct: unknown): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  const fields =
    (
      struct as {
        fields?: Record<
          string,
          { structValue?: { fields?: Record<string, { stringValue?: string }> } }
        >
      }
    )?.fields ?? {}
  for (const [ns, value] of Object.entries(fields)) {
    out[ns] = {}
    for (const [k, v] of Object.entries(value.structValue?.fields ?? {}))
      out[ns][k] = v.stringValue ?? ''
  }
  return out
}

/**
 * What Envoy's router filter does with an ORIGINAL_DST cluster: send the mutated request to the
 * destination the router named (`x-vsr-destination-endpoint`) and relay the answer.
 */
export async function forwardToDestination(req: UpstreamRequest): Promise<UpstreamResponse> {
  const destination = req.routeHeaders['x-vsr-destination-endpoint']
  if (!destination) throw new Error('the router chose no destination')
  const headers = Object.fromEntries(
    Object.entries(req.headers).filter(([k]) => !k.startsWith(':') && k !== 'content-length'),
  )
  const res = await fetch(`http://${destination}${req.routeHeaders[':path']}`, {
    method: 'POST',
    headers,
    body: req.body,
  })
  const chunks: Buffer[] = []
  for await (const chunk of res.body!) chunks.push(Buffer.from(chunk as Uint8Array))
  return { status: res.status, headers: Object.fromEntries(res.headers), chunks }
}
