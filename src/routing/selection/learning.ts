/**
 * Learned selection state of one runtime: a ScoreBook per decision (src/routing/selection/
 * score-book.ts), the record of which model served which request (so feedback naming a request id
 * reaches the right decision and model), and the JSON export / import of every book.
 *
 * Everything lives in the state store (`state_store`: memory, or Redis shared by replicas): books
 * under `sel:scores:<recipe>:<decision>`, served requests under `sel:req:<request id>` for
 * `requestTtlMs` (default one hour — feedback after that is refused as unknown). A reload builds a
 * new Learning over the same store, so scores and records survive it.
 */
import type { Logger } from '../../log.js'
import type { StateStore } from '../../state/types.js'
import {
  DEFAULT_LEARNING,
  ScoreBook,
  type DecisionScope,
  type LearningParams,
  type PairOutcome,
} from './score-book.js'

/** What the router remembers about a request it routed among several candidates. */
export interface ServedRequest {
  readonly recipe: string
  readonly decision: string
  readonly model: string
  /** Every candidate of the decision (Elo's opponents). */
  readonly candidates: readonly string[]
  /** The A/B split and arm the request was assigned to, when one applied. */
  readonly split?: string
  readonly arm?: string
  /** Who sent it (RequestMeta.caller.principal): only they may rate it. */
  readonly principal?: string
}

export type FeedbackInput =
  | { readonly requestId: string; readonly rating: number; readonly label?: string }
  | {
      readonly requestId: string
      readonly otherRequestId: string
      /** `win`: the answer to `requestId` was preferred. */
      readonly outcome: PairOutcome
      readonly label?: string
    }

export type FeedbackResult =
  | {
      readonly applied: true
      readonly recipe: string
      readonly decision: string
      readonly models: readonly string[]
      readonly served: ServedRequest
    }
  | { readonly applied: false; readonly reason: 'unknown_request' | 'different_decision' }

/** The export format (also what `import` takes). */
export interface ScoresExport {
  readonly version: 1
  readonly exported_at: string
  readonly decisions: readonly {
    readonly recipe: string
    readonly decision: string
    /** model → learned state (absolute values, not offsets). */
    readonly models: Readonly<
      Record<
        string,
        { rating: number; alpha: number; beta: number; feedback: number; mean: number }
      >
    >
  }[]
}

export interface LearningOptions {
  readonly requestTtlMs?: number
  readonly refreshMs?: number
  readonly now?: () => number
}

const scopeKey = (s: DecisionScope) => JSON.stringify([s.recipe, s.name])

export class Learning {
  private readonly books = new Map<string, ScoreBook>()

  constructor(
    readonly store: StateStore,
    private readonly log: Logger,
    private readonly options: LearningOptions = {},
  ) {}

  /** The book of a decision (created on first use; the first caller's params are kept). */
  book(scope: DecisionScope, params: Partial<LearningParams> = {}): ScoreBook {
    const key = scopeKey(scope)
    let book = this.books.get(key)
    if (!book) {
      book = new ScoreBook(
        scope,
        this.store,
        { ...DEFAULT_LEARNING, ...params },
        {
          ...(this.options.refreshMs === undefined ? {} : { refreshMs: this.options.refreshMs }),
          ...(this.options.now ? { now: this.options.now } : {}),
          onError: (err) => this.warn('selection_scores_unavailable', scope, err),
        },
      )
      this.books.set(key, book)
    }
    return book
  }

  /** Remember who served a request (fire and forget: a store error is logged, never thrown). */
  remember(requestId: string, served: ServedRequest): void {
    this.store
      .set(`sel:req:${requestId}`, JSON.stringify(served), this.options.requestTtlMs ?? 3_600_000)
      .catch((err: unknown) =>
        this.warn(
          'selection_record_failed',
          { recipe: served.recipe, name: served.decision },
          err as Error,
        ),
      )
  }

  async recall(requestId: string): Promise<ServedRequest | undefined> {
    const raw = await this.store.get(`sel:req:${requestId}`)
    if (raw === undefined) return undefined
    try {
      return JSON.parse(raw) as ServedRequest
    } catch {
      return undefined
    }
  }

  /**
   * Apply one piece of feedback to the served decision's book. With `from.principal`, requests
   * another caller sent count as unknown (an admin passes no principal).
   */
  async feedback(
    input: FeedbackInput,
    from: { readonly principal?: string } = {},
  ): Promise<FeedbackResult> {
    const mine = (s: ServedRequest | undefined) =>
      s &&
      (from.principal === undefined || s.principal === undefined || s.principal === from.principal)
        ? s
        : undefined
    const served = mine(await this.recall(input.requestId))
    if (!served) return { applied: false, reason: 'unknown_request' }
    const scope = { recipe: served.recipe, name: served.decision }
    const book = this.book(scope)
    await book.ready
    if ('rating' in input) {
      await book.rate(served.model, input.rating, served.candidates)
      return { applied: true, ...this.where(served), models: [served.model], served }
    }
    const other = mine(await this.recall(input.otherRequestId))
    if (!other) return { applied: false, reason: 'unknown_request' }
    if (other.recipe !== served.recipe || other.decision !== served.decision)
      return { applied: false, reason: 'different_decision' }
    if (other.model !== served.model) await book.compare(served.model, other.model, input.outcome)
    return { applied: true, ...this.where(served), models: [served.model, other.model], served }
  }

  private where(served: ServedRequest) {
    return { recipe: served.recipe, decision: served.decision }
  }

  /** Every book this runtime knows (decisions with a learning selector, or with feedback). */
  async exportScores(): Promise<ScoresExport> {
    const decisions = await Promise.all(
      [...this.books.values()].map(async (book) => {
        await book.refresh()
        return {
          recipe: book.scope.recipe,
          decision: book.scope.name,
          models: Object.fromEntries(book.models().map((m) => [m, { ...book.scores(m) }])),
        }
      }),
    )
    return { version: 1, exported_at: new Date().toISOString(), decisions }
  }

  /** Replace the named decisions' learned state with the export's values. */
  async importScores(data: ScoresExport): Promise<number> {
    let count = 0
    for (const entry of data.decisions) {
      const book = this.book({ recipe: entry.recipe, name: entry.decision })
      await book.ready
      const p = book.params
      const fields: Record<string, number> = {}
      for (const [model, s] of Object.entries(entry.models)) {
        fields[`elo:${model}`] = s.rating - p.initialRating
        fields[`alpha:${model}`] = s.alpha - p.priorAlpha
        fields[`beta:${model}`] = s.beta - p.priorBeta
        fields[`n:${model}`] = s.feedback
        count++
      }
      await book.replace(fields)
    }
    return count
  }

  private warn(event: string, scope: DecisionScope, err: Error): void {
    this.log.warn({ event, recipe: scope.recipe, decision: scope.name, error: err.message }, event)
  }
}
