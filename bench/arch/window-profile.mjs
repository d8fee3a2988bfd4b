/**
 * Preload for a router under bench/gateway/run.ts: a V8 CPU profile of steady state only (start-up
 * and module loading excluded, unlike --cpu-prof), and the requests served in that window.
 *
 *   PROF_DIR=/tmp/p PROF_START_AT=2000 PROF_LEN=6000 \
 *   BENCH_ROUTER_NODE_FLAGS="--import $PWD/bench/arch/window-profile.mjs" \
 *   node --import tsx bench/gateway/run.ts --no-portkey --runtime tsx --duration 12 --connections 10
 *
 * Writes win-<pid>.cpuprofile and win-<pid>.json ({requests, cpu_us_per_req}); compare two with
 * bench/arch/profile-diff.ts (requests = the JSON's count).
 */
import { Session } from 'node:inspector'
import dc from 'node:diagnostics_channel'
import { writeFileSync } from 'node:fs'
import { setTimeout } from 'node:timers'
const len = Number(process.env.PROF_LEN ?? 6000)
const dir = process.env.PROF_DIR ?? '.'
let counting = false,
  n = 0
let seen = 0,
  begin = () => {}
const startAt = Number(process.env.PROF_START_AT ?? 1500)
dc.subscribe('http.server.request.start', () => {
  if (counting) n++
  if (++seen === startAt) begin()
})
const s = new Session()
s.connect()
s.post('Profiler.enable', () =>
  s.post(
    'Profiler.setSamplingInterval',
    { interval: Number(process.env.PROF_INTERVAL ?? 200) },
    () => {
      begin = () => {
        const c0 = process.cpuUsage()
        s.post('Profiler.start', () => {
          counting = true
          setTimeout(() => {
            counting = false
            s.post('Profiler.stop', (err, { profile }) => {
              const c = process.cpuUsage(c0)
              writeFileSync(`${dir}/win-${process.pid}.cpuprofile`, JSON.stringify(profile))
              writeFileSync(
                `${dir}/win-${process.pid}.json`,
                JSON.stringify({ requests: n, cpu_us_per_req: (c.user + c.system) / n }),
              )
            })
          }, len).unref()
        })
      }
    },
  ),
)
