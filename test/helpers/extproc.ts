/** Starts a real ext_proc server on 127.0.0.1:0 over a real runtime, plus an Envoy client for it. */
import type { Pipeline } from '../../src/pipeline/pipeline.js'
import { ExtProcServer, type ExtProcServerOptions } from '../../src/extproc/server.js'
import type { ExtProcRuntime } from '../../src/extproc/types.js'
import { EnvoyClient, type UpstreamResponse } from './envoy.js'
import { makeRuntime, type TestRuntime } from './runtime.js'

export interface ExtProcFixture {
  t: TestRuntime
  server: ExtProcServer
  envoy: EnvoyClient
  close(): Promise<void>
}

export async function startExtProc(
  yaml: string,
  options: {
    pipeline?: (t: TestRuntime) => Pipeline
    server?: Partial<ExtProcServerOptions>
  } = {},
): Promise<ExtProcFixture> {
  const t = await makeRuntime(yaml)
  const pipeline = options.pipeline ? options.pipeline(t) : t.runtime.pipeline
  const runtime: ExtProcRuntime = {
    config: t.runtime.config,
    services: t.runtime.services,
    pipeline,
  }
  const server = await ExtProcServer.start({
    host: '127.0.0.1',
    port: 0,
    runtimes: { acquire: () => ({ runtime, release() {} }) },
    log: t.runtime.services.log,
    maxMessageBytes: t.runtime.config.server.max_body_bytes,
    shutdownGraceMs: 2_000,
    ...options.server,
  })
  const envoy = new EnvoyClient(`127.0.0.1:${server.port}`)
  return {
    t,
    server,
    envoy,
    async close() {
      envoy.close()
      await server.close(500)
      await t.runtime.close()
    },
  }
}

/** A non-streaming chat completion as vLLM returns it. */
export function completionResponse(
  model: string,
  content = 'ok',
  usage = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
): UpstreamResponse {
  const body = JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage,
  })
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    chunks: [Buffer.from(body)],
  }
}

/** An SSE chat-completion stream, one event per chunk, usage in the last chunk, then [DONE]. */
export function sseResponse(
  model: string,
  words: string[],
  usage = { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
): UpstreamResponse {
  const base = { id: 'chatcmpl-2', object: 'chat.completion.chunk', created: 1_700_000_000, model }
  const events = words.map(
    (w, i) =>
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: i === 0 ? { role: 'assistant', content: w } : { content: w }, finish_reason: null }] })}\n\n`,
  )
  events.push(
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage })}\n\n`,
  )
  events.push('data: [DONE]\n\n')
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
    chunks: events.map((e) => Buffer.from(e)),
  }
}

/** The value of one sample of a metric in Prometheus text format (0 when absent). */
export function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  let total = 0
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      total += Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return total
}
