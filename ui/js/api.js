// Talking to the router: JSON endpoints and the live event stream, all relative to /ui/ and all
// carrying the API key when the operator gave one (the stream is read with fetch, not EventSource,
// so it can send the same Authorization header as every other call).

const KEY = 'semantic-router-console-key'

export function apiKey() {
  return sessionStorage.getItem(KEY) ?? ''
}

/** @param {string} key */
export function setApiKey(key) {
  if (key === '') sessionStorage.removeItem(KEY)
  else sessionStorage.setItem(KEY, key)
}

/** @returns {Record<string, string>} */
function headers() {
  const key = apiKey()
  return key === '' ? {} : { authorization: `Bearer ${key}` }
}

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {string} [code]
   */
  constructor(status, message, code) {
    super(message)
    this.status = status
    this.code = code
  }
}

/** @param {Response} res */
async function failure(res) {
  /** @type {{ error?: { message?: string, code?: string } }} */
  let body = {}
  try {
    body = await res.json()
  } catch {
    // not JSON
  }
  return new ApiError(res.status, body.error?.message ?? res.statusText, body.error?.code)
}

/**
 * @template T
 * @param {string} path
 * @returns {Promise<T>}
 */
export async function getJson(path) {
  const res = await fetch(path, { headers: headers(), cache: 'no-store' })
  if (!res.ok) throw await failure(res)
  return /** @type {Promise<T>} */ (res.json())
}

/**
 * @template T
 * @param {string} path
 * @param {unknown} body
 * @returns {Promise<T>}
 */
export async function postJson(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { ...headers(), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw await failure(res)
  return /** @type {Promise<T>} */ (res.json())
}

/**
 * @typedef {'connecting' | 'live' | 'error'} StreamState
 * @typedef {import('../../src/console/frames.js').StreamFrames} StreamFrames
 */

/**
 * Read the console stream, reconnecting with backoff; every (re)connection starts with `hello`.
 * @param {<K extends keyof StreamFrames>(event: K, data: StreamFrames[K]) => void} onFrame
 * @param {(state: StreamState, detail?: string, status?: number) => void} onState
 */
export function openStream(onFrame, onState) {
  let delay = 500
  const connect = async () => {
    onState('connecting')
    try {
      const res = await fetch('api/stream', {
        headers: { ...headers(), accept: 'text/event-stream' },
        cache: 'no-store',
      })
      if (!res.ok || !res.body) throw await failure(res)
      onState('live')
      delay = 500
      await readEvents(res.body, onFrame)
      onState('connecting', 'stream ended')
    } catch (err) {
      const status = err instanceof ApiError ? err.status : undefined
      onState('error', err instanceof Error ? err.message : String(err), status)
    }
    setTimeout(() => void connect(), delay)
    delay = Math.min(delay * 2, 10_000)
  }
  void connect()
}

/**
 * @param {ReadableStream<Uint8Array>} body
 * @param {(event: any, data: any) => void} onFrame
 */
async function readEvents(body, onFrame) {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += decoder.decode(value, { stream: true })
    let end
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      let event = 'message'
      let data = ''
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7)
        else if (line.startsWith('data: ')) data += line.slice(6)
      }
      if (data !== '') onFrame(event, JSON.parse(data))
    }
  }
}
