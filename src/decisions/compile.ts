/** The decision model of a config, whichever schema it was written in. */
import type { RouterConfig } from '../config/schema/index.js'
import { compileClassic } from './compile-classic.js'
import { compileV03 } from './compile-v03.js'
import type { DecisionModel, Recipe } from './types.js'

export function compileDecisionModel(config: RouterConfig): DecisionModel {
  return config.v03 ? compileV03(config, config.v03) : compileClassic(config)
}

/** The recipe a request's model name asks for; undefined: a concrete model (no routing). */
export function recipeFor(model: DecisionModel, requestedModel: string): Recipe | undefined {
  const entry = model.entrypoints.get(requestedModel)
  if (entry !== undefined) return model.recipes.get(entry)
  return model.autoNames.has(requestedModel) ? model.recipes.get('default') : undefined
}
