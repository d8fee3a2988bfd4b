/**
 * Learned scores of one decision's candidate models — Elo ratings and Beta(α, β) success counts —
 * updated online from feedback, kept in the shared state store so they survive reloads and every
 * replica pointing at the same Redis learns from the same feedback.
 *
 * Store layout: one hash per decision, `sel:scores:<recipe>:<decision>`, with fields
 * `elo:<model>`, `alpha:<model>`, `beta:<model>`, `n:<model>` holding OFFSETS from the prior
 * (rating − initial, α − α₀, β − β₀, feedback count), so an absent field is the prior and every
 * update is one atomic `hashIncrement` — replicas never overwrite each other's updates.
 *
 * Decay (γ per update of a model, default 0.99): before an update the model's offsets shrink by γ
 * toward the prior, so old feedback fades and the effective memory is about 1/(1−γ) updates.
 *
 * Selection is synchronous, so the book keeps a local copy: loaded when built, refreshed from the
 * store at most every `refreshMs` (without blocking a request), and updated with the values each
 * increment returns.
 */
import type { StateStore } from '../../state/types.js'

export interface LearningParams {
  /** Elo rating every model starts at (default 1500). */
  readonly initialRating: number
  /** Elo K factor (default 32). */
  readonly kFactor: number
  /** Per-update decay toward the prior, γ in (0, 1] (default 0.99; 1 = no decay). */
  readonly decay: number
  /** Beta prior (default 1, 1). */
  readonly priorAlpha: number
  readonly priorBeta: number
}

export const DEFAULT_LEARNING: LearningParams = {
  initialRating: 1500,
  kFactor: 32,
  decay: 0.99,
  priorAlpha: 1,
  priorBeta: 1,
}

export interface DecisionScope {
  readonly recipe: string
  readonly name: string
}

export interface ModelScores {
  readonly rating: number
  readonly alpha: number
  readonly beta: number
  /** Feedback updates counted (decayed counts are not; this is the raw number). */
  readonly feedback: number
  /** Posterior mean α / (α + β). */
  readonly mean: number
}

export type PairOutcome = 'win' | 'loss' | 'tie'

export function scoresKey(scope: DecisionScope): string {
  return `sel:scores:${scope.recipe}:${scope.name}`
}

/** Elo's expected score of a player rated `a` against one rated `b`. */
export function eloExpected(a: number, b: number): number {
  return 1 / (1 + 10 ** ((b - a) / 400))
}

export class ScoreBook {
  readonly key: string
  private readonly fields = new Map<string, number>()
  private lastRefresh = 0
  private refreshing: Promise<void> | undefined
  readonly ready: Promise<void>

  constructor(
    readonly scope: DecisionScope,
    private readonly store: StateStore,
    readonly params: LearningParams,
    private readonly options: {
      readonly refreshMs?: number
      readonly now?: () => number
      readonly onError?: (err: Error) => void
    } = {},
  ) {
    this.key = scoresKey(scope)
    this.ready = this.refresh()
  }

  private get now(): number {
    return (this.options.now ?? Date.now)()
  }

  /** Reload from the store (errors are reported, the local copy kept). */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const all = await this.store.hashGetAll(this.key)
        this.fields.clear()
        for (const [field, value] of Object.entries(all)) {
          const n = Number(value)
          if (Number.isFinite(n)) this.fields.set(field, n)
        }
      } catch (err) {
        this.options.onError?.(err as Error)
      } finally {
        this.lastRefresh = this.now
        this.refreshing = undefined
      }
    })()
    return this.refreshing
  }

  /** Start a refresh when the local copy is older than refreshMs (never waits). */
  maybeRefresh(): void {
    const every = this.options.refreshMs ?? 5_000
    if (this.now - this.lastRefresh >= every) void this.refresh()
  }

  private offset(field: string): number {
    return this.fields.get(field) ?? 0
  }

  scores(model: string): ModelScores {
    const p = this.params
    const alpha = p.priorAlpha + Math.max(-p.priorAlpha + 1e-6, this.offset(`alpha:${model}`))
    const beta = p.priorBeta + Math.max(-p.priorBeta + 1e-6, this.offset(`beta:${model}`))
    return {
      rating: p.initialRating + this.offset(`elo:${model}`),
      alpha,
      beta,
      feedback: this.offset(`n:${model}`),
      mean: alpha / (alpha + beta),
    }
  }

  /** Every model with learned state. */
  models(): string[] {
    const out = new Set<string>()
    for (const field of this.fields.keys()) out.add(field.slice(field.indexOf(':') + 1))
    return [...out]
  }

  /**
   * A rating of one answer by `model`, `reward` in [0, 1]. Beta counts: α += reward, β += 1 −
   * reward. Elo: the model plays the mean rating of the other candidates and scores `reward`.
   */
  async rate(model: string, reward: number, candidates: readonly string[]): Promise<void> {
    const others = candidates.filter((c) => c !== model)
    const self = this.scores(model)
    const opponent =
      others.length === 0
        ? this.params.initialRating
        : others.reduce((sum, m) => sum + this.scores(m).rating, 0) / others.length
    const eloDelta = this.params.kFactor * (reward - eloExpected(self.rating, opponent))
    await this.update(model, { elo: eloDelta, alpha: reward, beta: 1 - reward })
  }

  /** A pairwise comparison: `a` against `b` (win: a was preferred). */
  async compare(a: string, b: string, outcome: PairOutcome): Promise<void> {
    const s = outcome === 'win' ? 1 : outcome === 'loss' ? 0 : 0.5
    const ra = this.scores(a).rating
    const rb = this.scores(b).rating
    const delta = this.params.kFactor * (s - eloExpected(ra, rb))
    await Promise.all([
      this.update(a, { elo: delta, alpha: s, beta: 1 - s }),
      this.update(b, { elo: -delta, alpha: 1 - s, beta: s }),
    ])
  }

  /** Decay the model's offsets by γ, then add the new evidence; one increment per field. */
  private async update(
    model: string,
    add: { readonly elo: number; readonly alpha: number; readonly beta: number },
  ): Promise<void> {
    const shrink = 1 - this.params.decay
    const deltas: [string, number][] = [
      [`elo:${model}`, add.elo - shrink * this.offset(`elo:${model}`)],
      [`alpha:${model}`, add.alpha - shrink * this.offset(`alpha:${model}`)],
      [`beta:${model}`, add.beta - shrink * this.offset(`beta:${model}`)],
      [`n:${model}`, 1],
    ]
    for (const [field, delta] of deltas) this.fields.set(field, this.offset(field) + delta)
    const stored = await Promise.all(
      deltas.map(([field, delta]) => this.store.hashIncrement(this.key, field, delta)),
    )
    deltas.forEach(([field], i) => this.fields.set(field, stored[i]!))
  }

  /** The raw offsets (export). */
  raw(): Record<string, number> {
    return Object.fromEntries(this.fields)
  }

  /** Replace the learned state with `fields` (import). */
  async replace(fields: Readonly<Record<string, number>>): Promise<void> {
    await this.store.delete(this.key)
    const entries = Object.entries(fields).filter(([, v]) => Number.isFinite(v))
    if (entries.length > 0)
      await this.store.hashSet(
        this.key,
        Object.fromEntries(entries.map(([k, v]) => [k, String(v)])),
      )
    this.fields.clear()
    for (const [k, v] of entries) this.fields.set(k, v)
  }
}
