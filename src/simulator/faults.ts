/**
 * Fault selection: a fault configured for the model (with its rate), or one asked for by the
 * request itself — an `x-simulator-fault` header or a `[sim:...]` marker in a message — so that
 * end-to-end tests through the router can trigger one for a single request.
 *
 * Spec syntax (header and marker): comma-separated `key[=value]` items, e.g.
 * `status=503`, `retry-after=30`, `delay=250`, `slow-headers=1000`, `drop=5`, `malformed`, `hang`, `rate=0.5`.
 */
import { faultSchema, describeZodError, type FaultSpec } from './behaviour.js'

export const FAULT_HEADER = 'x-simulator-fault'
/** `[sim:status=503]` anywhere in a message's text content. */
const MARKER = /\[sim:([^\]]{1,200})\]/i

const KEY_ALIASES: Record<string, keyof FaultSpec> = {
  status: 'status',
  'retry-after': 'retryAfter',
  delay: 'delayMs',
  'delay-ms': 'delayMs',
  'slow-headers': 'slowHeadersMs',
  'slow-headers-ms': 'slowHeadersMs',
  drop: 'dropAfterTokens',
  'drop-after-tokens': 'dropAfterTokens',
  malformed: 'malformed',
  hang: 'hang',
  rate: 'rate',
}

/** Parse `status=503,delay=100`; throws with a readable message on a bad spec. */
export function parseFaultSpec(spec: string): FaultSpec {
  const raw: Record<string, unknown> = {}
  for (const item of spec.split(',')) {
    const trimmed = item.trim()
    if (trimmed === '') continue
    const eq = trimmed.indexOf('=')
    const name = (eq === -1 ? trimmed : trimmed.slice(0, eq)).trim().toLowerCase()
    const key = KEY_ALIASES[name]
    if (key === undefined) throw new Error(`unknown fault "${name}" in "${spec}"`)
    if (eq === -1) {
      raw[key] = true
      continue
    }
    const value = trimmed.slice(eq + 1).trim()
    raw[key] = value === 'true' ? true : value === 'false' ? false : Number(value)
  }
  const parsed = faultSchema.safeParse(raw)
  if (!parsed.success) throw new Error(`bad fault "${spec}": ${describeZodError(parsed.error)}`)
  return parsed.data
}

/** The first `[sim:...]` marker in the text, if any. */
export function findFaultMarker(text: string): string | undefined {
  return MARKER.exec(text)?.[1]
}

export interface FaultSources {
  /** Marker text found in the request's messages. */
  marker?: string | undefined
  /** Value of the x-simulator-fault header. */
  header?: string | undefined
  /** The model's configured fault. */
  configured?: FaultSpec | undefined
}

export type FaultDecision =
  | { fault: FaultSpec; source: 'marker' | 'header' | 'model' }
  | { fault: undefined; source: 'none' }
  | { error: string }

/** Pick the fault for one request. A request's own marker or header wins over the model's. */
export function chooseFault(sources: FaultSources, random: () => number): FaultDecision {
  for (const source of ['marker', 'header'] as const) {
    const spec = sources[source]
    if (spec === undefined) continue
    let fault: FaultSpec
    try {
      fault = parseFaultSpec(spec)
    } catch (err) {
      return { error: (err as Error).message }
    }
    if (applies(fault, random)) return { fault, source }
    return { fault: undefined, source: 'none' }
  }
  const configured = sources.configured
  if (configured !== undefined && applies(configured, random)) {
    return { fault: configured, source: 'model' }
  }
  return { fault: undefined, source: 'none' }
}

function applies(fault: FaultSpec, random: () => number): boolean {
  const rate = fault.rate ?? 1
  return rate >= 1 || random() < rate
}

/** Short names of what a fault does, for metrics and logs. */
export function faultKinds(fault: FaultSpec): string[] {
  const kinds: string[] = []
  if (fault.slowHeadersMs !== undefined) kinds.push('slow_headers')
  if (fault.delayMs !== undefined) kinds.push('delay')
  if (fault.hang === true) kinds.push('hang')
  if (fault.status !== undefined) kinds.push('status')
  if (fault.dropAfterTokens !== undefined) kinds.push('drop')
  if (fault.malformed === true) kinds.push('malformed')
  return kinds
}
