/**
 * Learned scores seeded from an offline evaluation (`semantic-router eval models` writes
 * model_scores.json: per category, each model's accuracy over `questions` questions). Each
 * category seeds the decision of the same name: Beta counts α = α₀ + accuracy·n, β = β₀ +
 * (1 − accuracy)·n with n = min(questions, 100) (so live feedback can still move it), and the Elo
 * rating initial + 400·log10(p / (1 − p)) with p clamped to [0.01, 0.99] — the rating at which
 * the model would be expected to score p against an average candidate.
 */
import type { Learning, ScoresExport } from './learning.js'

export interface EvalScores {
  readonly results: Readonly<
    Record<
      string,
      readonly { readonly model: string; readonly questions: number; readonly score: number }[]
    >
  >
}

/** Most questions counted as evidence per seeded model. */
const MAX_SEED_EVIDENCE = 100

export function scoresFromEval(
  report: EvalScores,
  recipe: string,
  learning: Learning,
): ScoresExport {
  const decisions = Object.entries(report.results).map(([category, entries]) => {
    const params = learning.book({ recipe, name: category }).params
    const models = Object.fromEntries(
      entries.map((e) => {
        const n = Math.min(e.questions, MAX_SEED_EVIDENCE)
        const p = Math.min(0.99, Math.max(0.01, e.score))
        const alpha = params.priorAlpha + e.score * n
        const beta = params.priorBeta + (1 - e.score) * n
        return [
          e.model,
          {
            rating: params.initialRating + 400 * Math.log10(p / (1 - p)),
            alpha,
            beta,
            feedback: 0,
            mean: alpha / (alpha + beta),
          },
        ]
      }),
    )
    return { recipe, decision: category, models }
  })
  return { version: 1, exported_at: new Date().toISOString(), decisions }
}
