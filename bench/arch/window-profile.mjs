/**
 * Preload for a router under bench/gateway/run.ts (or the ext_proc server of bench/extproc, see
 * bench/arch/extproc-window.ts): a V8 CPU profile of steady state only (start-up and module loading
 * excluded, unlike --cpu-prof), and the requests served in that window. HTTP/1 requests are counted
 * via the `http.server.request.start` diagnostics channel; HTTP/2 streams (ext_proc is gRPC over
 * HTTP/2, where Node 20 has no such channel) by a 'stream' listener on every HTTP/2 server.
 *
 *   PROF_DIR=/tmp/p PROF_START_AT=2000 PROF_LEN=6000 \
 *   BENCH_ROUTER_NODE_FLAGS="--import $PWD/bench/arch/window-profile.mjs" \
 *   node --import tsx bench/gateway/run.ts --no-portkey --runtime tsx --duration 12 --connections 10
 *
 * Writes win-<pid>.cpuprofile and win-<pid>.json ({requests, cpu_us_per_req}); compare two with
 * bench/arch/profile-diff.ts (requests = the JSON's count). PROF_HEAP=1 writes a sampling heap
 * profile (win-<pid>.heapprofile, collected objects included) instead: bytes allocated per request.
 */
import { Session } from 'node:inspector'
import dc from 'node:diagnostics_channel'
import http2 from 'node:http2'
import { syncBuiltinESMExports } from 'node:module'
import { writeFileSync } from 'node:fs'
import { PerformanceObserver } from 'node:perf_hooks'
import { setTimeout } from 'node:timers'
const len = Number(process.env.PROF_LEN ?? 6000)
const dir = process.env.PROF_DIR ?? '.'
let counting = false,
  n = 0
let seen = 0,
  begin = () => {}
const startAt = Number(process.env.PROF_START_AT ?? 1500)
const onRequest = () => {
  if (counting) n++
  if (++seen === startAt) begin()
}
dc.subscribe('http.server.request.start', onRequest)
// Wrap http2.createServer to count each stream; syncBuiltinESMExports makes `import { createServer }
// from 'node:http2'` (our ext_proc server core) see the wrapper too, not only require('http2').
const createServer = http2.createServer
http2.createServer = (...args) => createServer(...args).on('stream', onRequest)
syncBuiltinESMExports()
const s = new Session()
s.connect()
// Garbage collections in the window by kind (minor = scavenge, major = mark-compact), with time.
const gc = {}
new PerformanceObserver((list) => {
  if (!counting) return
  for (const e of list.getEntries()) {
    const kind = { 1: 'minor', 4: 'major', 8: 'incremental', 16: 'weak' }[e.detail.kind] ?? 'other'
    gc[kind] ??= { count: 0, ms: 0 }
    gc[kind].count++
    gc[kind].ms = Math.round((gc[kind].ms + e.duration) * 100) / 100
  }
}).observe({ entryTypes: ['gc'] })
const finish = (c0, name, profile) => {
  const c = process.cpuUsage(c0)
  writeFileSync(`${dir}/win-${process.pid}.${name}`, JSON.stringify(profile))
  writeFileSync(
    `${dir}/win-${process.pid}.json`,
    JSON.stringify({ requests: n, cpu_us_per_req: (c.user + c.system) / n, gc }),
  )
}
// PROF_HEAP=1: a sampling heap profile of the window instead (every allocation, collected or not:
// what the garbage collector has to deal with per request).
const heap = process.env.PROF_HEAP === '1'
const window = (start, stop) => {
  begin = () => {
    const c0 = process.cpuUsage()
    s.post(...start, () => {
      counting = true
      setTimeout(() => {
        counting = false
        s.post(stop, (err, { profile }) => finish(c0, heap ? 'heapprofile' : 'cpuprofile', profile))
      }, len).unref()
    })
  }
}
if (heap) {
  const options = { samplingInterval: 512 }
  for (const gc of ['Major', 'Minor']) options[`includeObjectsCollectedBy${gc}GC`] = true
  window(['HeapProfiler.startSampling', options], 'HeapProfiler.stopSampling')
} else {
  const interval = { interval: Number(process.env.PROF_INTERVAL ?? 200) }
  s.post('Profiler.enable', () =>
    s.post('Profiler.setSamplingInterval', interval, () =>
      window(['Profiler.start'], 'Profiler.stop'),
    ),
  )
}
