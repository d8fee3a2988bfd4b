/**
 * Benchmark server process: `--kind router` runs the real ext_proc server over the bundled config
 * (embedded default classifiers, semantic cache off); `--kind echo` runs a bare grpc-js processor that answers every
 * message with an empty reply of the right kind — the floor any Node ext_proc server pays.
 * Prints `{"port":N}` on stdout; answers IPC `{type:'memory'}` (memory after a GC) and
 * `{type:'cpu'}` (process CPU time in µs).
 */
import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js'
import { readFile } from 'node:fs/promises'
import { parse as parseYaml } from 'yaml'
import { validateConfigObject, type LoadedConfig } from '../../src/config/load.js'
import { ExtProcServer } from '../../src/extproc/server.js'
import { loadServices } from '../../src/extproc/proto.js'
import type { ProcessingRequest, ProcessingResponse } from '../../src/extproc/wire.js'
import { silentLogger } from '../../src/log.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import { buildRuntime } from '../../src/assembly/build-runtime.js'

const args = new Map<string, string>()
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!)
const kind = args.get('kind') ?? 'router'

const ECHO_REPLY: Record<string, ProcessingResponse> = {
  request_headers: { request_headers: { response: {} } },
  request_body: { request_body: { response: {} } },
  response_headers: { response_headers: { response: {} } },
  response_body: { response_body: { response: {} } },
  request_trailers: { request_trailers: {} },
  response_trailers: { response_trailers: {} },
}

async function startEcho(): Promise<number> {
  const server = new Server()
  server.addService(loadServices().extProc, {
    Process(call: ServerDuplexStream<ProcessingRequest, ProcessingResponse>) {
      call.on('data', (m: ProcessingRequest) => call.write(ECHO_REPLY[m.request!]!))
      call.on('end', () => call.end())
    },
  })
  return new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve(port),
    ),
  )
}

/**
 * The config under test with the semantic cache switched off (and, with `--keyword-only true`, a
 * keyword-only classifier chain). The benchmark cycles eight prompts,
 * so with the cache on every stream after the first eight would end at the request body with an
 * immediate response (a cache hit) instead of being a full routed stream.
 */
async function loadWithoutCache(path: string): Promise<LoadedConfig> {
  const text = await readFile(path, 'utf8')
  const raw = parseYaml(text, { version: '1.1' }) as Record<string, unknown>
  const cache = (raw['semantic_cache'] ?? {}) as Record<string, unknown>
  const changed: Record<string, unknown> = { ...raw, semantic_cache: { ...cache, enabled: false } }
  if (args.get('keyword-only') === 'true') {
    const pipeline = (raw['pipeline'] ?? {}) as Record<string, unknown>
    changed['pipeline'] = { ...pipeline, classifiers: [{ kind: 'keyword' }] }
  }
  return validateConfigObject(changed, text, path)
}

async function startRouter(): Promise<number> {
  const loaded = await loadWithoutCache(args.get('config') ?? 'config/config.yaml')
  const log = silentLogger()
  const runtime = await buildRuntime(loaded, { log, metrics: new RouterMetrics() })
  const server = await ExtProcServer.start({
    host: '127.0.0.1',
    port: 0,
    runtimes: { acquire: () => ({ runtime, release() {} }) },
    log,
    maxMessageBytes: loaded.config.server.max_body_bytes,
    shutdownGraceMs: 1000,
  })
  return server.port
}

const port = kind === 'echo' ? await startEcho() : await startRouter()
process.on('message', (m: { type: string }) => {
  if (m.type === 'cpu') {
    const cpu = process.cpuUsage()
    process.send!({ type: 'cpu', micros: cpu.user + cpu.system })
    return
  }
  if (m.type !== 'memory') return
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  gc?.()
  const mem = process.memoryUsage()
  process.send!({ type: 'memory', rss: mem.rss, heapUsed: mem.heapUsed, external: mem.external })
})
process.stdout.write(`${JSON.stringify({ port })}\n`)
// Exit normally on a signal so --cpu-prof and similar flags write their output.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0))
