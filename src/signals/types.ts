/**
 * Signals: named facts about a request that decision rules test (upstream v0.3's
 * `routing.signals`). Each signal type is a plug-in — an interface plus a registry entry
 * (src/signals/registry.ts) — built once per recipe from the rules of its family, for the rules
 * some decision refers to. The decision engine (src/decisions/engine.ts) evaluates a type only
 * when a decision still needs it, cheap types first, independent types concurrently.
 */
import type { ClassifierChain } from '../classify/chain.js'
import type { PluginShape } from '../config/plugin.js'
import type { RouterConfig } from '../config/schema/index.js'
import type { SignalFamilyKey, SignalsConfig } from '../config/schema/v03/signals.js'
import type { ParsedChatRequest } from '../openai/types.js'
import type { RuntimeServices } from '../runtime/services.js'

/** Who is calling, as far as the request context says (issue 13 will add authenticated keys). */
export interface RequestIdentity {
  readonly user: string | undefined
  readonly groups: readonly string[]
}

export interface SignalInput {
  readonly request: ParsedChatRequest
  /** Lower-cased request headers (routing headers already removed by the edge). */
  readonly headers: Readonly<Record<string, string>>
  /** Text content signals see: the last user message (or system text when there is none). */
  readonly text: string
  /** Earlier user turns, oldest first (when pipeline.classify_history is on). */
  readonly history: readonly string[]
  readonly identity: RequestIdentity
  /** The request id and the caller's opaque principal (RequestMeta.caller): split keys. */
  readonly requestId?: string
  readonly caller?: string
  readonly signal?: AbortSignal
  /**
   * Work shared by the signals of one request (the category classification, the query embedding),
   * keyed by what it is; see `shared()`.
   */
  readonly memo: Map<string, unknown>
}

export interface SignalOutcome {
  /** Matched rule names → confidence (1 for yes/no signals). */
  readonly matches: ReadonlyMap<string, number>
  /** What the signal measured, for logs and debug headers (token count, detected language...). */
  readonly evidence?: Readonly<Record<string, unknown>>
}

export interface SignalEvaluator {
  /** A cheap evaluator may answer synchronously (returning a value, not a promise). */
  evaluate(input: SignalInput): SignalOutcome | Promise<SignalOutcome>
  close?(): Promise<void>
}

export interface SignalBuildContext {
  readonly config: RouterConfig
  readonly services: RuntimeServices
  /** The category classifier chain (the domain signal's classifier). */
  readonly classifiers: ClassifierChain
  /** The recipe's signal declarations. */
  readonly signals: SignalsConfig
}

export interface SignalPlugin<R = unknown> extends PluginShape<R> {
  /** The rule-leaf type (`keyword`); `kind` is the same name. */
  readonly kind: string
  /** The YAML family under `routing.signals` (`keywords`). */
  readonly family: SignalFamilyKey
  /**
   * `cheap`: string work on the request (evaluated first, without waiting); `model`: needs a model
   * or detector (evaluated only when a decision that can still win needs it).
   */
  readonly cost: 'cheap' | 'model'
  /** Build an evaluator for these rules (the referenced ones of the family). */
  create(ctx: SignalBuildContext, rules: readonly R[]): SignalEvaluator | Promise<SignalEvaluator>
}

/** Run `make` once per request for `key` (e.g. one classification for domain and complexity). */
export function shared<T>(input: SignalInput, key: string, make: () => T): T {
  if (input.memo.has(key)) return input.memo.get(key) as T
  const value = make()
  input.memo.set(key, value)
  return value
}

export const matchesOf = (entries: Iterable<readonly [string, number]>): Map<string, number> =>
  new Map(entries)
