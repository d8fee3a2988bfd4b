/**
 * The per-request trade-off knob: a caller asks for cheaper, faster or best answers with the
 * `x-vsr-preference` header or the body's `vsr_preference` field (removed before the request is
 * forwarded). Either holds a preset or explicit values:
 *
 *   x-vsr-preference: cheaper
 *   x-vsr-preference: cost_weight=0.7, max_cost=0.002
 *   "vsr_preference": {"mode": "best"}  |  "vsr_preference": {"cost_weight": 0.3, "max_cost": 0.01}
 *
 * Presets: best (cost weight 0), balanced (0.5), cheaper (0.8), cheapest (1), faster (latency
 * weight 0.7). Body values override the header's. What a request may ask is bounded per decision
 * (`request_preference` of its multi_factor / elo / bandit block): the knob moves the choice among
 * the decision's own candidates only — it never adds a model, skips a constraint or an SLO.
 */
import { RouterError } from '../../errors.js'
import type { RequestPreference } from './types.js'

/** Reaches the pipeline through the edge like x-vsr-debug; never forwarded (edge/routing-headers). */
export const PREFERENCE_HEADER = 'x-vsr-preference'
export const PREFERENCE_BODY_FIELD = 'vsr_preference'

type Values = { costWeight?: number; latencyWeight?: number; maxCost?: number }

export const PRESETS: Readonly<Record<string, Values>> = {
  best: { costWeight: 0 },
  balanced: { costWeight: 0.5 },
  cheaper: { costWeight: 0.8 },
  cheapest: { costWeight: 1 },
  faster: { latencyWeight: 0.7 },
}

const KEYS: Readonly<Record<string, keyof Values>> = {
  cost_weight: 'costWeight',
  latency_weight: 'latencyWeight',
  max_cost: 'maxCost',
}

function bad(where: string, message: string): RouterError {
  return new RouterError('invalid_request', `${where}: ${message}`, {
    param: PREFERENCE_BODY_FIELD,
  })
}

function setValue(out: Values, key: string, value: unknown, where: string): void {
  const field = KEYS[key]
  if (!field)
    throw bad(
      where,
      `unknown key "${key.slice(0, 40)}" (known: mode, ${Object.keys(KEYS).join(', ')})`,
    )
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
    throw bad(where, `${key} must be a number ≥ 0`)
  if (field !== 'maxCost' && n > 1) throw bad(where, `${key} must be ≤ 1`)
  out[field] = n
}

function preset(name: string, where: string): Values {
  const found = PRESETS[name.toLowerCase()]
  if (!found)
    throw bad(
      where,
      `unknown preset "${name.slice(0, 40)}" (known: ${Object.keys(PRESETS).join(', ')})`,
    )
  return found
}

/** The header's value parsed (throws invalid_request on a malformed value). */
export function parsePreferenceHeader(value: string): Values {
  const where = `header ${PREFERENCE_HEADER}`
  if (value.length > 256) throw bad(where, 'longer than 256 characters')
  const out: Values = {}
  for (const part of value.split(/[,;]/)) {
    const item = part.trim()
    if (item === '') continue
    const eq = item.indexOf('=')
    if (eq === -1) Object.assign(out, preset(item, where))
    else {
      const key = item.slice(0, eq).trim().toLowerCase()
      const raw = item.slice(eq + 1).trim()
      if (key === 'mode') Object.assign(out, preset(raw, where))
      else setValue(out, key, raw, where)
    }
  }
  return out
}

/** The body field parsed (a preset string or an object). */
export function parsePreferenceBody(value: unknown): Values {
  const where = PREFERENCE_BODY_FIELD
  if (typeof value === 'string') return { ...preset(value, where) }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw bad(where, 'must be a preset name or an object')
  const out: Values = {}
  const entries = Object.entries(value as Record<string, unknown>)
  const mode = entries.find(([k]) => k === 'mode')
  if (mode) {
    if (typeof mode[1] !== 'string') throw bad(where, 'mode must be a preset name')
    Object.assign(out, preset(mode[1], where))
  }
  for (const [key, v] of entries) if (key !== 'mode') setValue(out, key, v, where)
  return out
}

/**
 * The request's preference from the header and the body (body values win); undefined when it
 * states none. Removes the body field (`strip` true) so the upstream never sees it.
 */
export function requestPreference(
  headers: Readonly<Record<string, string>>,
  body: Record<string, unknown>,
): { preference: RequestPreference | undefined; bodyChanged: boolean } {
  const header = headers[PREFERENCE_HEADER]
  const fromHeader = header === undefined ? undefined : parsePreferenceHeader(header)
  const hasBody = Object.hasOwn(body, PREFERENCE_BODY_FIELD)
  const fromBody = hasBody ? parsePreferenceBody(body[PREFERENCE_BODY_FIELD]) : undefined
  if (hasBody) delete body[PREFERENCE_BODY_FIELD]
  if (!fromHeader && !fromBody) return { preference: undefined, bodyChanged: hasBody }
  const merged = { ...fromHeader, ...fromBody }
  if (Object.keys(merged).length === 0) return { preference: undefined, bodyChanged: hasBody }
  return { preference: { ...merged, source: fromBody ? 'body' : 'header' }, bodyChanged: hasBody }
}
