/**
 * Per-request events, published by the pipeline for live consumers (the console, and later
 * anything that wants the decisions as they happen) — never by the transports themselves.
 *
 * Cost rule: an event is built only when someone listens. The publisher checks `active` first, so
 * with no subscriber a request pays one property read. Listeners run synchronously on the request
 * path and must only copy what they need (the console pushes it into bounded buffers); an exception
 * in a listener is contained and never reaches the request.
 *
 * Prompt text is never part of an event unless the operator turned it on (`console.show_prompts`),
 * and then only a bounded excerpt.
 */

/** How the request ended. */
export type DecisionOutcome =
  | 'forwarded'
  | 'jailbreak_block'
  | 'pii_block'
  | 'cache_hit'
  | 'fast_response'
  | 'models'
  | 'error'
  | 'rejected'

/** One piece of evidence the router used (a classifier result, a rule, a signal of a decision). */
export interface SignalEvidence {
  /** What produced it: `keyword`, `embedding`, `model`, `entropy`, a v0.3 signal type, ... */
  readonly kind: string
  /** The rule, label or signal name. */
  readonly name: string
  readonly matched: boolean
  /** Confidence, similarity or probability, when there is one. */
  readonly value?: number
  /** One line for people (e.g. `keyword_rules[2]`, `confidence 0.41 < threshold 0.6`). */
  readonly detail?: string
}

/** A model the selection considered, with the score that ranked it. */
export interface CandidateModel {
  readonly model: string
  readonly score: number
  readonly chosen: boolean
  /** Why it was passed over when it was (e.g. `pii_policy: US_SSN`). */
  readonly excluded?: string
}

export interface GuardVerdicts {
  readonly jailbreak?: {
    readonly blocked: boolean
    /** Highest attack probability across the scanned messages. */
    readonly probability: number
    readonly threshold: number
    readonly type?: string
  }
  readonly pii?: {
    readonly types: readonly string[]
    readonly denied: readonly string[]
    readonly action: 'allowed' | 'rerouted' | 'blocked' | 'skipped'
    readonly threshold: number
  }
}

/** One finished request: the decision, why, and what it cost. */
export interface DecisionEvent {
  readonly type: 'decision'
  /** The request id (as in logs and `x-request-id`). */
  readonly id: string
  /** Wall-clock time the request finished (ms since the epoch). */
  readonly at: number
  readonly transport: 'gateway' | 'extproc'
  readonly outcome: DecisionOutcome
  /** HTTP status the client got (0 when the response never started). */
  readonly status: number
  readonly requestedModel: string
  readonly autoRouted: boolean
  /**
   * The decision that won (signals/decisions configs). Absent for classic configs, where each
   * category compiles to a decision of the same name and `category` says it.
   */
  readonly decision?: string
  /** The recipe (routing profile) the request was matched against, when not the default one. */
  readonly recipe?: string
  /** Configured category ('' when none or below the threshold). */
  readonly category: string
  readonly confidence: number
  /** The classifier result, including labels below the threshold. */
  readonly classifier?: {
    readonly source: string
    readonly label: string
    readonly detail?: string
    /** Top of the probability distribution (model classifiers), highest first. */
    readonly top?: readonly { readonly category: string; readonly probability: number }[]
  }
  readonly signals: readonly SignalEvidence[]
  readonly candidates: readonly CandidateModel[]
  readonly selectedModel: string
  readonly upstreamModel: string
  readonly reasonCode: string
  readonly reasoning?: {
    readonly enabled: boolean
    /** The effort in effect (absent when none is sent: a template family, or off). */
    readonly effort?: string
    readonly family?: string
    readonly reason: string
  }
  readonly systemPromptInjected: boolean
  readonly endpoint?: { readonly name: string; readonly address: string }
  readonly guards: GuardVerdicts
  readonly cache?: { readonly hit: boolean; readonly similarity?: number }
  readonly usage?: {
    readonly promptTokens: number
    readonly completionTokens: number
    readonly totalTokens: number
  }
  readonly cost?: { readonly amount: number; readonly currency: string }
  readonly latencyMs: number
  readonly routingLatencyMs: number
  readonly ttftMs?: number
  readonly streaming: boolean
  readonly error?: string
  /** Excerpt of the last user message; only when the operator turned prompts on. */
  readonly prompt?: string
}

/** A request left for an endpoint (lets live views count requests in flight). */
export interface RequestStartEvent {
  readonly type: 'started'
  readonly id: string
  readonly at: number
  readonly model: string
  readonly endpoint?: string
}

export type RouterEvent = DecisionEvent | RequestStartEvent

export type RouterEventListener = (event: RouterEvent) => void

/** The in-process event bus: one per router process, outliving config reloads. */
export class RouterEvents {
  private readonly listeners = new Set<RouterEventListener>()
  private failures = 0

  /** True when at least one listener is subscribed: publishers build events only then. */
  get active(): boolean {
    return this.listeners.size > 0
  }

  /** Listener and builder exceptions contained so far (a bug there must not break requests). */
  get listenerFailures(): number {
    return this.failures
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: RouterEventListener): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  /**
   * Build an event and publish it (callers check `active` first, so nothing is built for nobody).
   * A builder that throws is contained like a failing listener: the request goes on.
   */
  offer(build: () => RouterEvent): void {
    let event: RouterEvent
    try {
      event = build()
    } catch {
      this.failures++
      return
    }
    this.publish(event)
  }

  publish(event: RouterEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch {
        this.failures++
      }
    }
  }
}
