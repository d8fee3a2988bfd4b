/**
 * The flow view's data: how many requests took each path (signal/category or decision → model or
 * outcome → endpoint) in the last N minutes, in fixed time buckets so old traffic falls out of the
 * window without keeping every request. Memory is bounded by buckets × distinct paths, and
 * distinct paths are capped (labels come from the config, but a pathological config could still
 * have many): past the cap, new paths are counted under one `(other)` path.
 */
import type { DecisionEvent } from '../runtime/events.js'
import type { FlowPath } from './frames.js'

const BUCKET_MS = 10_000
/** Distinct paths kept per bucket. */
const MAX_PATHS = 2_000
const OTHER = '(other)'
/** Outcomes with a path of their own; the rest (errors, refused requests) count as `error`. */
const FLOW_OUTCOMES: ReadonlySet<string> = new Set([
  'forwarded',
  'jailbreak_block',
  'pii_block',
  'cache_hit',
  'fast_response',
])

interface Bucket {
  readonly start: number
  readonly paths: Map<string, MutablePath>
}

interface MutablePath {
  source: string
  model: string
  endpoint: string
  outcome: FlowPath['outcome']
  count: number
  errors: number
}

/** Where a request came from in the flow: its decision, else its category. */
export function flowSource(e: DecisionEvent): string {
  if (e.outcome === 'rejected') return '(refused)'
  if (e.decision !== undefined && e.decision !== '') return `decision: ${e.decision}`
  if (e.category !== '') return e.category
  if (!e.autoRouted) return '(model named by client)'
  return '(no category)'
}

export function flowPathOf(e: DecisionEvent): Omit<MutablePath, 'count' | 'errors'> {
  const source = flowSource(e)
  const outcome: FlowPath['outcome'] = FLOW_OUTCOMES.has(e.outcome)
    ? (e.outcome as FlowPath['outcome'])
    : 'error'
  if (outcome !== 'forwarded') return { source, model: '', endpoint: '', outcome }
  return { source, model: e.upstreamModel, endpoint: e.endpoint?.name ?? '', outcome }
}

export class FlowWindow {
  private readonly windowMs: number
  private buckets: Bucket[] = []

  constructor(windowMinutes: number) {
    this.windowMs = windowMinutes * 60_000
  }

  add(e: DecisionEvent, now: number): void {
    const bucket = this.bucketFor(now)
    const p = flowPathOf(e)
    const failed = e.status >= 400 || e.error !== undefined || p.outcome === 'error'
    let key = `${p.source}\u0000${p.model}\u0000${p.endpoint}\u0000${p.outcome}`
    let entry = bucket.paths.get(key)
    if (!entry && bucket.paths.size >= MAX_PATHS) {
      key = OTHER
      entry = bucket.paths.get(key)
      if (!entry) {
        entry = {
          source: OTHER,
          model: OTHER,
          endpoint: '',
          outcome: p.outcome,
          count: 0,
          errors: 0,
        }
        bucket.paths.set(key, entry)
      }
    }
    if (!entry) {
      entry = { ...p, count: 0, errors: 0 }
      bucket.paths.set(key, entry)
    }
    entry.count++
    if (failed) entry.errors++
  }

  /** Totals per path over the window ending at `now`, largest first. */
  snapshot(now: number): FlowPath[] {
    this.expire(now)
    const merged = new Map<string, FlowPath>()
    for (const bucket of this.buckets)
      for (const [key, p] of bucket.paths) {
        const m = merged.get(key)
        merged.set(
          key,
          m ? { ...m, count: m.count + p.count, errors: m.errors + p.errors } : { ...p },
        )
      }
    return [...merged.values()].sort((a, b) => b.count - a.count)
  }

  /** Start of the oldest traffic still in the window (ms), or `now` when empty. */
  since(now: number): number {
    this.expire(now)
    return this.buckets[0]?.start ?? now
  }

  clear(): void {
    this.buckets = []
  }

  private bucketFor(now: number): Bucket {
    const start = now - (now % BUCKET_MS)
    const last = this.buckets.at(-1)
    if (last && last.start === start) return last
    if (last && last.start > start) return last // clock stepped back: keep counting
    const bucket: Bucket = { start, paths: new Map() }
    this.buckets.push(bucket)
    this.expire(now)
    return bucket
  }

  private expire(now: number): void {
    const oldest = now - this.windowMs
    let drop = 0
    while (drop < this.buckets.length && this.buckets[drop]!.start + BUCKET_MS <= oldest) drop++
    if (drop > 0) this.buckets = this.buckets.slice(drop)
  }
}
