/**
 * Evaluating decisions for one request. Built once per config: for each recipe, an evaluator for
 * every signal type its decisions refer to (nothing else is built, so a model no decision needs is
 * never loaded). Per request: cheap signals first (string work, no waiting), then rounds of model
 * signals — only those that a decision which can still win needs, all of a round concurrently —
 * until the winner is certain (src/decisions/evaluate.ts).
 */
import { isRouterError } from '../errors.js'
import { logEvent } from '../log.js'
import type { RuntimeServices } from '../runtime/services.js'
import type { PluginRegistry } from '../config/plugin.js'
import type { SignalsConfig } from '../config/schema/v03/signals.js'
import type { AnySignalPlugin } from '../signals/registry.js'
import type {
  SignalBuildContext,
  SignalEvaluator,
  SignalInput,
  SignalOutcome,
} from '../signals/types.js'
import { choose, type Choice, type LeafLookup, type LeafState, type Verdict } from './evaluate.js'
import { leaves } from './rules.js'
import type { Decision, DecisionModel, Recipe } from './types.js'

interface BuiltSignal {
  readonly type: string
  readonly cost: 'cheap' | 'model'
  readonly evaluator: SignalEvaluator
}

export interface SignalTiming {
  readonly type: string
  readonly ms: number
  readonly failed: boolean
}

export interface DecisionResult {
  readonly recipe: Recipe
  /** The winning decision; undefined: none matched (the default model). */
  readonly decision: Decision | undefined
  readonly confidence: number
  /** Every matching decision, best first. */
  readonly matched: readonly Verdict[]
  /** Outcome per evaluated signal type. */
  readonly outcomes: ReadonlyMap<string, SignalOutcome>
  readonly timings: readonly SignalTiming[]
  /** Milliseconds from the start of the evaluation to the result. */
  readonly elapsedMs: number
}

export interface EngineHooks {
  /** A signal failed with an error that is not a request error; it counts as no match. */
  onSignalError?(type: string, err: unknown): void
}

/** A recipe's built signals, and what its first round needs when that is known in advance. */
interface RecipeSignals {
  readonly byType: ReadonlyMap<string, BuiltSignal>
  /**
   * Set when every decision's rule is one leaf of this model signal and nothing else is built (a
   * classic config: one decision per category, each `domain = <category>`): with nothing known
   * every decision is open, so the first round needs exactly this signal — the engine starts it
   * without first evaluating every decision over unknowns.
   */
  readonly opening: string | undefined
}

export class DecisionEngine {
  private constructor(
    readonly model: DecisionModel,
    private readonly signals: ReadonlyMap<string, RecipeSignals>,
    private readonly hooks: EngineHooks,
  ) {}

  static async build(
    model: DecisionModel,
    ctx: Omit<SignalBuildContext, 'signals'>,
    registry: PluginRegistry<AnySignalPlugin>,
    hooks: EngineHooks = {},
  ): Promise<DecisionEngine> {
    const built = new Map<string, RecipeSignals>()
    const all: BuiltSignal[] = []
    try {
      for (const recipe of model.recipes.values()) {
        const byType = new Map<string, BuiltSignal>()
        for (const type of recipe.signalTypes) {
          const plugin = registry.get(type)
          // Types without a plug-in (upstream families we do not run) never match.
          if (!plugin) continue
          const signals = implicitDomains(recipe)
          const rules = signals[plugin.family] as readonly unknown[]
          const evaluator = await plugin.create({ ...ctx, signals }, rules)
          const entry = { type, cost: plugin.cost, evaluator }
          byType.set(type, entry)
          all.push(entry)
        }
        built.set(recipe.name, { byType, opening: openingSignal(recipe, byType) })
      }
    } catch (err) {
      await Promise.allSettled(all.map((s) => s.evaluator.close?.() ?? Promise.resolve()))
      throw err
    }
    return new DecisionEngine(model, built, hooks)
  }

  /** Start evaluating: cheap signals now, the first round of model signals in the background. */
  start(recipe: Recipe, input: SignalInput): Promise<DecisionResult> {
    const signals = this.signals.get(recipe.name) ?? NO_SIGNALS
    return new Run(recipe, signals, input, this.hooks).result
  }

  async close(): Promise<void> {
    const all = [...this.signals.values()].flatMap((m) => [...m.byType.values()])
    await Promise.allSettled(all.map((s) => s.evaluator.close?.() ?? Promise.resolve()))
  }
}

/** Upstream: with no domains declared, every domain a decision names exists (label `other`). */
function implicitDomains(recipe: Recipe): SignalsConfig {
  if (recipe.signals.domains.length > 0 || !recipe.signalTypes.has('domain')) return recipe.signals
  const names = new Set(
    recipe.decisions.flatMap((d) =>
      leaves(d.rules)
        .filter((l) => l.type === 'domain')
        .map((l) => l.name),
    ),
  )
  return {
    ...recipe.signals,
    domains: [...names].map((name) => ({ name, mmlu_categories: ['other'], model_scores: [] })),
  }
}

const NO_SIGNALS: RecipeSignals = { byType: new Map(), opening: undefined }

/** The one model signal every decision of `recipe` is a single leaf of (see RecipeSignals). */
function openingSignal(
  recipe: Recipe,
  byType: ReadonlyMap<string, BuiltSignal>,
): string | undefined {
  const [only, ...others] = byType.values()
  if (only === undefined || others.length > 0 || only.cost !== 'model') return undefined
  const single = recipe.decisions.every(
    (d) => d.rules?.kind === 'leaf' && d.rules.type === only.type,
  )
  return single && recipe.decisions.length > 0 ? only.type : undefined
}

class Run {
  readonly result: Promise<DecisionResult>
  private readonly outcomes = new Map<string, SignalOutcome>()
  private readonly timings: SignalTiming[] = []
  private readonly began = performance.now()
  private readonly signals: ReadonlyMap<string, BuiltSignal>

  constructor(
    private readonly recipe: Recipe,
    built: RecipeSignals,
    private readonly input: SignalInput,
    private readonly hooks: EngineHooks,
  ) {
    this.signals = built.byType
    let first: Promise<Choice>
    try {
      for (const s of this.signals.values()) if (s.cost === 'cheap') this.evaluateCheap(s)
      if (built.opening !== undefined) {
        this.result = this.open(built.opening)
        return
      }
      first = this.round()
    } catch (err) {
      first = Promise.reject(asError(err))
    }
    this.result = first.then((choice) => this.finish(choice))
  }

  /**
   * The classic recipe's path (see RecipeSignals.opening): its one model signal, then the choice,
   * in a single promise reaction — the same steps as round() + evaluate() + finish(), without their
   * three async frames and the promises between them (a per-request cost that is a large share of
   * an ext_proc stream's). Once that signal is known no decision is open, so the loop of round()
   * is only entered if that ever stops being so.
   */
  private open(type: string): Promise<DecisionResult> {
    const s = this.signals.get(type)!
    const started = performance.now()
    return Promise.resolve(this.begin(s)).then(
      (outcome) => this.opened(s, outcome, started),
      (err: unknown) => this.opened(s, this.failed(s, err), started),
    )
  }

  private opened(
    s: BuiltSignal,
    outcome: SignalOutcome,
    started: number,
  ): DecisionResult | Promise<DecisionResult> {
    this.settle(s, outcome, started)
    const choice = choose(this.recipe, this.lookup)
    if (choice.winner !== undefined || choice.pending.length === 0) return this.finish(choice)
    return this.round().then((next) => this.finish(next))
  }

  /** Bound once (a class-field arrow would pay tsx's __name for every request's Run). */
  private readonly lookup: LeafLookup = this.leafState.bind(this)

  private leafState(leaf: Parameters<LeafLookup>[0]): LeafState {
    const outcome = this.outcomes.get(leaf.type)
    if (outcome === undefined) return this.signals.has(leaf.type) ? UNKNOWN : NO_MATCH
    const name = leaf.type === 'metadata' ? leaf.name.toLowerCase() : leaf.name
    const confidence = outcome.matches.get(name)
    return confidence === undefined ? NO_MATCH : { state: 'match', confidence }
  }

  /**
   * Evaluate what the decisions that can still win need; repeat until the winner is certain.
   * Returns the last choice (made with every outcome there is: the result's).
   */
  private async round(): Promise<Choice> {
    for (;;) {
      const choice = choose(this.recipe, this.lookup)
      if (choice.winner !== undefined || choice.pending.length === 0) return choice
      const needed = new Set<string>()
      for (const d of choice.pending)
        for (const leaf of leaves(d.rules))
          if (this.signals.has(leaf.type) && !this.outcomes.has(leaf.type)) needed.add(leaf.type)
      if (needed.size === 0) return choice
      if (needed.size === 1) await this.evaluate(needed.values().next().value!)
      else await Promise.all([...needed].map((type) => this.evaluate(type)))
    }
  }

  /** One model signal (a failure that is not a request error counts as no match). */
  private async evaluate(type: string): Promise<void> {
    const s = this.signals.get(type)!
    const started = performance.now()
    this.settle(
      s,
      await Promise.resolve(this.begin(s)).catch((err: unknown) => this.failed(s, err)),
      started,
    )
  }

  /** Start a model signal; a synchronous throw becomes a rejection. */
  private begin(s: BuiltSignal): SignalOutcome | Promise<SignalOutcome> {
    try {
      return s.evaluator.evaluate(this.input)
    } catch (err) {
      return Promise.reject(asError(err))
    }
  }

  private evaluateCheap(s: BuiltSignal): void {
    const started = performance.now()
    let value: SignalOutcome | Promise<SignalOutcome>
    try {
      value = s.evaluator.evaluate(this.input)
    } catch (err) {
      value = this.failed(s, err)
    }
    this.settle(s, value, started)
  }

  private settle(
    s: BuiltSignal,
    value: SignalOutcome | Promise<SignalOutcome>,
    started: number,
  ): void {
    if (value instanceof Promise) throw new Error(`cheap signal ${s.type} returned a promise`)
    this.outcomes.set(s.type, value)
    this.timings.push({ type: s.type, ms: performance.now() - started, failed: value === FAILED })
  }

  private failed(s: BuiltSignal, err: unknown): SignalOutcome {
    if (isRouterError(err)) throw err
    this.hooks.onSignalError?.(s.type, err)
    return FAILED
  }

  private finish({ winner, matched }: Choice): DecisionResult {
    return {
      recipe: this.recipe,
      decision: winner?.decision,
      confidence: winner?.value.confidence ?? 0,
      matched,
      outcomes: this.outcomes,
      timings: this.timings,
      elapsedMs: performance.now() - this.began,
    }
  }
}

const FAILED: SignalOutcome = { matches: new Map() }
const UNKNOWN: LeafState = { state: 'unknown' }
const NO_MATCH: LeafState = { state: 'no_match' }

/** Log and count a signal that failed (it counts as no match). */
export function signalErrorHook(services: RuntimeServices): (type: string, err: unknown) => void {
  return (type, err) => {
    services.metrics.decisions.signalErrors.inc({ signal: type })
    logEvent(
      services.log,
      'signal_failed',
      { signal: type, error: err instanceof Error ? err.message : String(err) },
      'warn',
    )
  }
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)))
