/** Lookup tables compiled once per config and shared by every request of that config. */
import type { RouterConfig } from '../config/schema/index.js'
import { templateParams } from '../reasoning/controller.js'
import { CategoryIndex } from './categories.js'
import { EndpointCatalog } from './endpoints.js'
import { bestModelForCategory, useReasoningFor } from './select-model.js'
import { compileDecisionModel } from '../decisions/compile.js'
import type { DecisionModel } from '../decisions/types.js'
import { CategoryPolicies } from './policies.js'

export class RoutingTables {
  readonly categories: CategoryIndex
  /** Per-category guard policies (jailbreak, PII), fallbacks to the globals applied. */
  readonly policies: CategoryPolicies
  /** Which endpoints each model may use (the EndpointPolicy picks among them). */
  readonly endpoints: EndpointCatalog
  /** Lower-cased category name → use_reasoning of that category's best model (entropy input). */
  readonly reasoningByCategory: ReadonlyMap<string, boolean>
  /** chat_template_kwargs parameters of every configured family (stripped from client bodies). */
  readonly templateParams: ReadonlySet<string>
  /** Signals, decisions, recipes and entrypoints of the config (both schemas compile to this). */
  readonly decisions: DecisionModel
  /** Names that ask the router to choose: the auto names and the entrypoints. */
  readonly autoNames: ReadonlySet<string>
  /** Whether the config names any model at all (otherwise explicit models pass through). */
  readonly hasModelCatalog: boolean

  constructor(config: RouterConfig) {
    this.categories = new CategoryIndex(config)
    this.policies = new CategoryPolicies(config)
    this.endpoints = new EndpointCatalog(config)
    const reasoning = new Map<string, boolean>()
    for (const category of config.categories) {
      const best = bestModelForCategory(category)
      reasoning.set(category.name.toLowerCase(), useReasoningFor(category, best?.score))
    }
    this.reasoningByCategory = reasoning
    this.templateParams = templateParams(config)
    this.decisions = compileDecisionModel(config)
    this.autoNames = new Set([...this.decisions.autoNames, ...this.decisions.entrypoints.keys()])
    this.hasModelCatalog =
      Object.keys(config.model_config).length > 0 ||
      config.categories.length > 0 ||
      config.default_model !== '' ||
      config.v03 !== undefined
  }
}
