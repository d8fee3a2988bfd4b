/**
 * The intent part of the classification answers (/classify/intent, /combined, /batch): the
 * category the configured chain gives, the model the router would route it to, and the full
 * probability distribution in the config's category names.
 */
import { bestModelForCategory } from '../routing/select-model.js'
import type { Runtime } from '../pipeline/runtime.js'

export type Intent = Awaited<ReturnType<Runtime['pipeline']['classifyText']>>

/** Category → probability, most likely first; `{}` for no category, or the one category without a distribution. */
export function categoryProbabilities(runtime: Runtime, intent: Intent): Record<string, number> {
  const distribution = intent.classification?.distribution
  if (!distribution) return intent.category === '' ? {} : { [intent.category]: intent.confidence }
  return Object.fromEntries(
    runtime.pipeline.tables.categories
      .translateDistribution(distribution)
      .sort((a, b) => b.probability - a.probability)
      .map((p) => [p.category, p.probability]),
  )
}

/** The model the router would pick for the category; `default_model` when it has none. */
export function recommendedModel(runtime: Runtime, category: string): string {
  const c = runtime.pipeline.tables.categories.get(category)
  return (c && bestModelForCategory(c)?.upstreamModel) || runtime.config.default_model
}
