/**
 * The simulator's debug API, namespaced under `/_simulator/` so it can never be confused with an
 * OpenAI route:
 *
 *   GET    /_simulator/requests[?since=SEQ&path=PREFIX]  what was received (method, path, headers, body)
 *   DELETE /_simulator/requests                          forget them
 *   GET    /_simulator/models                            every model's current behaviour
 *   PATCH  /_simulator/models/{name|*}                   change behaviour (snake_case or camelCase)
 *   PUT    /_simulator/models/{name|*}/fault             set a fault (object, or {"spec": "status=503"})
 *   DELETE /_simulator/models/{name|*}/fault             clear it
 */
import type { ServerResponse } from 'node:http'
import { z } from 'zod'
import { camelKeys, describeZodError, type BehaviourPatch, type FaultSpec } from './behaviour.js'
import { parseFaultSpec } from './faults.js'
import { sendError, sendJson } from './http-util.js'
import type { ModelState } from './model-state.js'
import { receivedToJson, type RequestRecorder } from './recorder.js'

export interface DebugContext {
  readonly recorder: RequestRecorder
  readonly models: ReadonlyMap<string, ModelState>
  setBehaviour(model: string, patch: BehaviourPatch): void
}

function behaviours(ctx: DebugContext): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, state] of ctx.models) {
    out[name] = { ...state.behaviour, running: state.running, waiting: state.waiting }
  }
  return out
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {}
  return JSON.parse(body.toString('utf8'))
}

export function handleDebug(
  ctx: DebugContext,
  method: string,
  path: string,
  body: Buffer,
  res: ServerResponse,
): void {
  const url = new URL(path, 'http://simulator.invalid')
  const parts = url.pathname.split('/').filter(Boolean).slice(1).map(decodeURIComponent)
  try {
    if (parts[0] === 'requests' && parts.length === 1) {
      if (method === 'GET') {
        const since = Number(url.searchParams.get('since') ?? 0)
        const prefix = url.searchParams.get('path') ?? ''
        const data = ctx.recorder
          .list()
          .filter((r) => r.seq > since && r.path.startsWith(prefix))
          .map(receivedToJson)
        sendJson(res, 200, JSON.stringify({ object: 'list', data }))
        return
      }
      if (method === 'DELETE') {
        sendJson(res, 200, JSON.stringify({ cleared: ctx.recorder.clear() }))
        return
      }
    }
    if (parts[0] === 'models') {
      handleModels(ctx, method, parts.slice(1), body, res)
      return
    }
    sendError(res, 404, `no simulator debug route ${method} ${url.pathname}`)
  } catch (err) {
    const message =
      err instanceof z.ZodError
        ? describeZodError(err)
        : err instanceof Error
          ? err.message
          : String(err)
    sendError(res, 400, message)
  }
}

function handleModels(
  ctx: DebugContext,
  method: string,
  rest: string[],
  body: Buffer,
  res: ServerResponse,
): void {
  const [name, sub] = rest
  if (name === undefined && method === 'GET') {
    sendJson(res, 200, JSON.stringify({ models: behaviours(ctx) }))
    return
  }
  if (name !== undefined && sub === undefined && method === 'PATCH') {
    ctx.setBehaviour(name, camelKeys(parseJson(body)) as BehaviourPatch)
    sendJson(res, 200, JSON.stringify({ models: behaviours(ctx) }))
    return
  }
  if (name !== undefined && sub === 'fault' && (method === 'PUT' || method === 'DELETE')) {
    let fault: FaultSpec | null = null
    if (method === 'PUT') {
      const json = parseJson(body) as Record<string, unknown>
      fault =
        typeof json['spec'] === 'string'
          ? parseFaultSpec(json['spec'])
          : (camelKeys(json) as FaultSpec)
    }
    ctx.setBehaviour(name, { fault })
    sendJson(res, 200, JSON.stringify({ models: behaviours(ctx) }))
    return
  }
  sendError(res, 404, `no simulator debug route ${method} /_simulator/models/${rest.join('/')}`)
}
