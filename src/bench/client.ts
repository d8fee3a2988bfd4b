/**
 * One chat-completions call as the benchmark makes it: JSON or SSE, with a timeout, a bounded
 * response, and every failure turned into an error kind (counted in the error distribution)
 * instead of an exception, so a failing endpoint never stops a run.
 */

export interface ChatUsage {
  readonly prompt_tokens: number
  readonly completion_tokens: number
  readonly total_tokens: number
  readonly reasoning_tokens: number
}

export interface ChatCallResult {
  readonly ok: boolean
  readonly status: number
  readonly content: string
  readonly reasoning: string
  readonly usage: ChatUsage | undefined
  /** Seconds from sending to the complete answer. */
  readonly latency: number
  /** Seconds to the first content or reasoning token (streaming only). */
  readonly ttft: number | undefined
  /** The model that answered (response body), and the router's decision headers. */
  readonly model: string
  readonly selectedModel: string
  readonly selectedCategory: string
  readonly selectedReasoning: string
  /** `timeout`, `connection_error`, `http_503`, `invalid_json`, `stream_incomplete`, `cancelled`, `response_too_large`. */
  readonly error: { kind: string; message: string } | undefined
}

export interface CallOptions {
  readonly timeoutMs: number
  readonly stream: boolean
  /** Aborts the call when the run is interrupted. */
  readonly signal?: AbortSignal
  readonly maxResponseBytes?: number
}

type Json = Record<string, unknown>

function usageFrom(value: unknown): ChatUsage | undefined {
  if (value === null || typeof value !== 'object') return undefined
  const u = value as Json
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
  const details = (u['completion_tokens_details'] ?? {}) as Json
  return {
    prompt_tokens: n(u['prompt_tokens']),
    completion_tokens: n(u['completion_tokens']),
    total_tokens: n(u['total_tokens']) || n(u['prompt_tokens']) + n(u['completion_tokens']),
    reasoning_tokens: n(details['reasoning_tokens']),
  }
}

class CallError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message)
  }
}

async function readBounded(res: Response, limit: number, onChunk?: (text: string) => void) {
  const reader = (res.body as ReadableStream<Uint8Array> | null)?.getReader()
  if (!reader) return ''
  const decoder = new TextDecoder()
  let text = ''
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      throw new CallError('response_too_large', `response exceeds ${limit} bytes`)
    }
    const piece = decoder.decode(value, { stream: true })
    text += piece
    onChunk?.(piece)
  }
  return text + decoder.decode()
}

/** Parse a JSON object; anything else fails the call as `invalid_json`, naming `what`. */
function parseJsonObject(text: string, what: string): Json {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new CallError('invalid_json', `${what} is not valid JSON`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CallError('invalid_json', `${what} is not a JSON object`)
  return value as Json
}

/** Reasoning text of a message or a stream delta: `reasoning_content` (vLLM), else `reasoning`. */
function reasoningText(part: Json): string {
  if (typeof part['reasoning_content'] === 'string') return part['reasoning_content']
  return typeof part['reasoning'] === 'string' ? part['reasoning'] : ''
}

function parseJsonAnswer(text: string) {
  const body = parseJsonObject(text, 'response body')
  const choices = Array.isArray(body['choices']) ? (body['choices'] as Json[]) : []
  const message = (choices[0]?.['message'] ?? {}) as Json
  if (choices.length === 0) throw new CallError('invalid_json', 'response has no choices')
  return {
    content: typeof message['content'] === 'string' ? message['content'] : '',
    reasoning: reasoningText(message),
    usage: usageFrom(body['usage']),
    model: typeof body['model'] === 'string' ? body['model'] : '',
  }
}

function parseSse(text: string) {
  let content = ''
  let reasoning = ''
  let usage: ChatUsage | undefined
  let model = ''
  let done = false
  for (const block of text.split(/\r?\n\r?\n/)) {
    for (const line of block.split(/\r?\n/)) {
      if (!line.startsWith('data:')) continue
      const data = line.slice(5).trim()
      if (data === '[DONE]') {
        done = true
        continue
      }
      const chunk = parseJsonObject(data, 'stream event')
      if (typeof chunk['model'] === 'string') model = chunk['model']
      if (chunk['usage']) usage = usageFrom(chunk['usage'])
      const choices = Array.isArray(chunk['choices']) ? (chunk['choices'] as Json[]) : []
      const delta = (choices[0]?.['delta'] ?? {}) as Json
      if (typeof delta['content'] === 'string') content += delta['content']
      reasoning += reasoningText(delta)
    }
  }
  if (!done) throw new CallError('stream_incomplete', 'stream ended without [DONE]')
  return { content, reasoning, usage, model }
}

function classify(
  err: unknown,
  timedOut: boolean,
  cancelled: boolean,
): { kind: string; message: string } {
  if (err instanceof CallError) return { kind: err.kind, message: err.message }
  if (cancelled) return { kind: 'cancelled', message: 'run interrupted' }
  if (timedOut) return { kind: 'timeout', message: 'no complete answer within the timeout' }
  const cause = (err as { cause?: { code?: string; message?: string } }).cause
  const message = cause?.message ?? (err as Error).message
  if (cause?.code === 'UND_ERR_SOCKET' || /terminated|other side closed/i.test(message)) {
    return { kind: 'stream_incomplete', message }
  }
  return { kind: 'connection_error', message: cause?.code ? `${cause.code}: ${message}` : message }
}

export async function sendChat(
  endpoint: string,
  apiKey: string | undefined,
  body: Json,
  options: CallOptions,
): Promise<ChatCallResult> {
  const started = performance.now()
  const timeout = AbortSignal.timeout(options.timeoutMs)
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout
  const requestBody = options.stream
    ? { ...body, stream: true, stream_options: { include_usage: true } }
    : body
  let status = 0
  let headers: Headers | undefined
  let ttft: number | undefined
  const seconds = () => (performance.now() - started) / 1000
  try {
    const res = await fetch(`${endpoint.replace(/\/$/, '')}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      },
      body: JSON.stringify(requestBody),
      signal,
    })
    status = res.status
    headers = res.headers
    const onChunk = options.stream
      ? (piece: string) => {
          if (ttft === undefined && /"(content|reasoning_content)":"[^"]/.test(piece))
            ttft = seconds()
        }
      : undefined
    const text = await readBounded(res, options.maxResponseBytes ?? 16 * 1024 * 1024, onChunk)
    if (!res.ok) {
      const message = /"message"\s*:\s*"([^"]{0,300})/.exec(text)?.[1] ?? text.slice(0, 300)
      throw new CallError(`http_${res.status}`, message)
    }
    const parsed = options.stream ? parseSse(text) : parseJsonAnswer(text)
    return {
      ok: true,
      status,
      ...parsed,
      latency: seconds(),
      ttft,
      selectedModel: headers.get('x-vsr-selected-model') ?? '',
      selectedCategory: headers.get('x-vsr-selected-category') ?? '',
      selectedReasoning: headers.get('x-vsr-selected-reasoning') ?? '',
      error: undefined,
    }
  } catch (err) {
    return {
      ok: false,
      status,
      content: '',
      reasoning: '',
      usage: undefined,
      latency: seconds(),
      ttft,
      model: '',
      selectedModel: headers?.get('x-vsr-selected-model') ?? '',
      selectedCategory: headers?.get('x-vsr-selected-category') ?? '',
      selectedReasoning: headers?.get('x-vsr-selected-reasoning') ?? '',
      error: classify(err, timeout.aborted, options.signal?.aborted ?? false),
    }
  }
}
