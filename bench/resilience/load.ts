/**
 * Load generator for the resilience benchmark, run in its own process: `concurrency` closed-loop
 * workers send the same non-streaming chat request for `durationMs` and record, per request, when
 * it started (ms since the run began), its latency, status and which replica answered (the
 * simulator's response id names its process). Prints one JSON array of records on stdout.
 *
 *   node bench/resilience/load.ts <url> <concurrency> <durationMs> <body> [headers-json]
 */
import { Agent, request } from 'undici'

export interface LoadRecord {
  /** Milliseconds since the run began. */
  readonly at: number
  readonly latencyMs: number
  readonly status: number
  /** The simulator id prefix of the replica that answered ('' for errors). */
  readonly replica: string
}

async function main(): Promise<void> {
  const [url, concurrency, durationMs, body, headersJson] = process.argv.slice(2)
  if (!url || !concurrency || !durationMs || !body) throw new Error('usage: load.ts url c ms body')
  const headers = {
    'content-type': 'application/json',
    ...(JSON.parse(headersJson ?? '{}') as Record<string, string>),
  }
  const dispatcher = new Agent({ connections: Number(concurrency), keepAliveTimeout: 30_000 })
  const records: LoadRecord[] = []
  const start = performance.now()
  // Tells the runner the clock started (it times the fault from here).
  process.stderr.write('started\n')
  const end = start + Number(durationMs)
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const began = performance.now()
      let status = 0
      let replica = ''
      try {
        const res = await request(url, {
          method: 'POST',
          headers,
          body,
          dispatcher,
          headersTimeout: 60_000,
          bodyTimeout: 60_000,
        })
        status = res.statusCode
        const text = await res.body.text()
        replica = /"id":"(chatcmpl-sim-[0-9a-f]+)-/.exec(text)?.[1] ?? ''
      } catch {
        status = 0
      }
      records.push({
        at: Math.round(began - start),
        latencyMs: Math.round((performance.now() - began) * 10) / 10,
        status,
        replica,
      })
    }
  }
  await Promise.all(Array.from({ length: Number(concurrency) }, worker))
  await dispatcher.close()
  process.stdout.write(JSON.stringify(records))
}

await main()
