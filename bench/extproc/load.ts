/**
 * Load generator process (forked by run.ts with IPC). Drives complete ext_proc streams the way
 * Envoy does for a BUFFERED chat request: request headers → request body → response headers →
 * response body, each sent after the previous reply, then a half-close and the final status.
 * Messages are pre-encoded; replies are checked by their oneof case only.
 *
 *   --target 127.0.0.1:PORT --mode latency|throughput|concurrent|memory
 *   [--streams N] [--warmup N] [--concurrency C] [--seconds S] [--every N] [--client h2|grpc-js]
 *
 * `--client h2` (default) drives the calls with the lean node:http2 client in h2-client.ts;
 * `grpc-js` uses a grpc-js generic client, which costs the shared cores far more per stream.
 */
import {
  credentials,
  makeGenericClientConstructor,
  type Client,
  type ClientDuplexStream,
} from '@grpc/grpc-js'
import { frame, H2GrpcClient, type CallStatus } from './h2-client.js'
import { encodeStreams, replyCase, type StreamMessages } from './messages.js'

const args = new Map<string, string>()
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!)
const num = (key: string, fallback: number) => Number(args.get(key) ?? fallback)

const PATH = '/envoy.service.ext_proc.v3.ExternalProcessor/Process'

/** What runStream needs from a call, whichever client made it. */
interface BenchCall {
  write(message: Buffer): void
  end(): void
  cancel(): void
  on(event: 'data', listener: (reply: Buffer) => void): unknown
  on(event: 'error', listener: (err: Error) => void): unknown
  on(event: 'status', listener: (status: CallStatus) => void): unknown
}

function grpcJsClient(target: string): { open(): BenchCall; close(): void; framed: boolean } {
  const raw = (b: Buffer) => b
  const Ctor = makeGenericClientConstructor(
    {
      Process: {
        path: PATH,
        requestStream: true,
        responseStream: true,
        requestSerialize: raw,
        requestDeserialize: raw,
        responseSerialize: raw,
        responseDeserialize: raw,
      },
    },
    'ExternalProcessor',
  )
  const client = new Ctor(target, credentials.createInsecure(), {
    'grpc.max_concurrent_streams': 100_000,
  }) as unknown as Client & { Process(): ClientDuplexStream<Buffer, Buffer> }
  return { open: () => client.Process(), close: () => client.close(), framed: false }
}

function h2Client(target: string): { open(): BenchCall; close(): void; framed: boolean } {
  const client = new H2GrpcClient(target, PATH)
  return { open: () => client.call(), close: () => client.close(), framed: true }
}

const clientKind = args.get('client') ?? 'h2'
const client = (clientKind === 'grpc-js' ? grpcJsClient : h2Client)(args.get('target')!)
// The h2 client writes bytes as they are: frame the pre-encoded messages once, up front.
const streams = encodeStreams().map((s) =>
  client.framed
    ? {
        requestHeaders: frame(s.requestHeaders),
        requestBody: frame(s.requestBody),
        responseHeaders: frame(s.responseHeaders),
        responseBody: frame(s.responseBody),
      }
    : s,
)
let counter = 0
const next = (): StreamMessages => streams[counter++ % streams.length]!

/** Reply kinds in order: request_headers, request_body, response_headers, response_body. */
const EXPECTED = [1, 3, 2, 4]

/** One full stream; resolves with its duration in ms. `pauseAfterHeaders` holds it open. */
function runStream(
  messages: StreamMessages,
  pauseAfterHeaders?: Promise<void>,
  onHeaders?: () => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    const call = client.open()
    let step = 0
    const send = () => {
      if (step === 1) call.write(messages.requestBody)
      else if (step === 2) call.write(messages.responseHeaders)
      else if (step === 3) call.write(messages.responseBody)
      else call.end()
    }
    call.on('data', (reply: Buffer) => {
      if (replyCase(reply) !== EXPECTED[step]) {
        call.cancel()
        reject(new Error(`step ${step}: unexpected reply case ${replyCase(reply)}`))
        return
      }
      step++
      if (step === 1) onHeaders?.()
      if (step === 1 && pauseAfterHeaders) void pauseAfterHeaders.then(send)
      else send()
    })
    call.on('error', () => undefined)
    call.on('status', (s: CallStatus) => {
      if (s.code === 0 && step === 4) resolve(performance.now() - start)
      else reject(new Error(`status ${s.code} ${s.details} after ${step} replies`))
    })
    call.write(messages.requestHeaders)
  })
}

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
  const round = (v: number) => Math.round(v * 1000) / 1000
  return {
    p50_ms: round(at(50)),
    p90_ms: round(at(90)),
    p99_ms: round(at(99)),
    mean_ms: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
  }
}

async function latency() {
  const total = num('streams', 3000)
  // Steady state: JIT and pools warm (300 warm-up streams left p50 ~10 % high on both servers).
  for (let i = 0; i < num('warmup', 2000); i++) await runStream(next())
  const samples: number[] = []
  for (let i = 0; i < total; i++) samples.push(await runStream(next()))
  return { streams: total, ...percentiles(samples) }
}

async function throughput() {
  const concurrency = num('concurrency', 64)
  const seconds = num('seconds', 10)
  const warmEnd = performance.now() + 1000
  const end = warmEnd + seconds * 1000
  const samples: number[] = []
  let errors = 0
  let done = 0
  let total = 0
  const worker = async () => {
    while (performance.now() < end) {
      try {
        const ms = await runStream(next())
        total++
        if (performance.now() > warmEnd) {
          done++
          samples.push(ms)
        }
      } catch {
        errors++
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return {
    concurrency,
    seconds,
    streams: done,
    streams_including_warmup: total,
    streams_per_s: Math.round(done / seconds),
    errors,
    ...percentiles(samples),
  }
}

async function concurrent() {
  const open = num('streams', 5000)
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  let answered = 0
  // Every stream gets its request-headers reply, then waits at the gate: all are open at once.
  const all = Array.from({ length: open }, () =>
    runStream(next(), gate, () => answered++).then(
      () => true,
      () => false,
    ),
  )
  const started = performance.now()
  while (answered < open && performance.now() - started < 60_000)
    await new Promise((resolve) => setTimeout(resolve, 20))
  const heldOpen = answered
  release()
  const results = await Promise.all(all)
  return {
    open_streams: open,
    held_open_at_once: heldOpen,
    completed: results.filter(Boolean).length,
    errors: results.filter((ok) => !ok).length,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  }
}

async function memory() {
  const total = num('streams', 100_000)
  const every = num('every', 10_000)
  const concurrency = num('concurrency', 32)
  let done = 0
  let errors = 0
  while (done < total) {
    const batchEnd = Math.min(total, done + every)
    let issued = done
    const worker = async () => {
      while (issued < batchEnd) {
        issued++
        try {
          await runStream(next())
        } catch {
          errors++
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    done = batchEnd
    process.send!({ type: 'progress', done })
    await new Promise<void>((resolve) => process.once('message', () => resolve()))
  }
  return { streams: total, errors }
}

const modes: Record<string, () => Promise<unknown>> = { latency, throughput, concurrent, memory }
const mode = args.get('mode') ?? 'latency'
const result = await modes[mode]!()
client.close()
if (process.send) process.send({ type: 'result', mode, result })
else process.stdout.write(`${JSON.stringify({ mode, result })}\n`)
