/**
 * The path table: which requests the router routes, on both transports. A request whose path is in
 * the table but whose method is not is refused (405); a path not in the table is not the router's
 * (ext_proc lets Envoy pass it through untouched; the gateway, which has nowhere to pass it, answers
 * 404 unless it is one of its own local routes such as `/health`).
 */

/** `chat`: routed through the pipeline; `models`: answered from config; `passthrough`: not ours. */
export type RequestKind = 'chat' | 'models' | 'passthrough'

export interface PathRule {
  readonly kind: Exclude<RequestKind, 'passthrough'>
  readonly method: 'GET' | 'POST'
  /** For docs and logs. */
  readonly pattern: string
  matches(path: string): boolean
}

export const CHAT_PATH = '/v1/chat/completions'
export const MODELS_PATH = '/v1/models'

export const PATH_TABLE: readonly PathRule[] = [
  {
    kind: 'chat',
    method: 'POST',
    pattern: '/v1/chat/completions, or any path ending in /chat/completions',
    // Prefixed forms (an Envoy route mounted under /openai/...) are chat requests too: passing
    // them through would let a path alias skip the guards.
    matches: (path) => path === CHAT_PATH || path.endsWith('/chat/completions'),
  },
  { kind: 'models', method: 'GET', pattern: MODELS_PATH, matches: (path) => path === MODELS_PATH },
]

/** The rule a path falls under, if any. */
export function pathRule(path: string): PathRule | undefined {
  for (const rule of PATH_TABLE) if (rule.matches(path)) return rule
  return undefined
}

/** Split `/a/b?x=1` into the path and the query (with its `?`, or ''). */
export function splitTarget(target: string): { readonly path: string; readonly query: string } {
  const q = target.indexOf('?')
  return q === -1
    ? { path: target, query: '' }
    : { path: target.slice(0, q), query: target.slice(q) }
}
