/**
 * Where the extra time per request goes: compares two V8 CPU profiles (`.cpuprofile`, written by a
 * router started with `BENCH_ROUTER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR"` under
 * bench/gateway/run.ts) and prints each function's self time per request, before and after, the
 * largest increases first. Requests per profile = the run's req/s × (warm-up + duration) seconds.
 *
 *   node --import tsx bench/arch/profile-diff.ts <before.cpuprofile> <before requests> \
 *     <after.cpuprofile> <after requests> [--top 30]
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[]
  samples: number[]
  timeDeltas: number[]
}

/** Self time in microseconds per function (named by file and function). */
function selfTimes(path: string): Map<string, number> {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile
  const names = new Map(profile.nodes.map((n) => [n.id, nameOf(n.callFrame)]))
  const times = new Map<string, number>()
  profile.samples.forEach((id, i) => {
    const name = names.get(id)!
    times.set(name, (times.get(name) ?? 0) + profile.timeDeltas[i]!)
  })
  return times
}

function nameOf(frame: { functionName: string; url: string }): string {
  const fn = frame.functionName || '(anonymous)'
  if (frame.url === '') return fn.startsWith('(') ? fn : `(${fn})`
  const inModules = frame.url.split('node_modules/')[1]
  if (inModules !== undefined) return `${inModules.split('/')[0]} ${fn}`
  const inSrc = frame.url.split('/src/')[1]
  return `${inSrc === undefined ? frame.url.split('/').at(-1) : `src/${inSrc}`} ${fn}`
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' } },
})
if (positionals.length !== 4) throw new Error('usage: before.cpuprofile N after.cpuprofile N')
const [beforePath, beforeN, afterPath, afterN] = positionals as [string, string, string, string]
const before = selfTimes(beforePath)
const after = selfTimes(afterPath)
const perRequest = (m: Map<string, number>, key: string, n: string) => (m.get(key) ?? 0) / Number(n)
const rows = [...new Set([...before.keys(), ...after.keys()])]
  .map((name) => ({
    name,
    before_us: Math.round(perRequest(before, name, beforeN) * 10) / 10,
    after_us: Math.round(perRequest(after, name, afterN) * 10) / 10,
  }))
  .sort((a, b) => b.after_us - b.before_us - (a.after_us - a.before_us))
  .slice(0, Number(values.top))
process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`)
