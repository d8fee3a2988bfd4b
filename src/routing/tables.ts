/** Lookup tables compiled once per config and shared by every request of that config. */
import type { RouterConfig } from '../config/schema/index.js'
import { templateParams } from '../reasoning/controller.js'
import { CategoryIndex } from './categories.js'
import { EndpointCatalog } from './endpoints.js'
import { bestModelForCategory, modelCandidates, useReasoningFor } from './select-model.js'
import type { ModelCandidate } from './selection/types.js'

export class RoutingTables {
  readonly categories: CategoryIndex
  /** Which endpoints each model may use (the EndpointPolicy picks among them). */
  readonly endpoints: EndpointCatalog
  /** Lower-cased category name → use_reasoning of that category's best model (entropy input). */
  readonly reasoningByCategory: ReadonlyMap<string, boolean>
  /** chat_template_kwargs parameters of every configured family (stripped from client bodies). */
  readonly templateParams: ReadonlySet<string>
  /** Names that trigger routing: auto_model_name and `auto`. */
  readonly autoNames: ReadonlySet<string>
  /** Whether the config names any model at all (otherwise explicit models pass through). */
  readonly hasModelCatalog: boolean

  private readonly candidatesByCategory = new Map<string, readonly ModelCandidate[]>()

  constructor(config: RouterConfig) {
    this.categories = new CategoryIndex(config)
    this.endpoints = new EndpointCatalog(config)
    const reasoning = new Map<string, boolean>()
    for (const category of config.categories) {
      this.candidatesByCategory.set(category.name.toLowerCase(), modelCandidates(category))
      const best = bestModelForCategory(category)
      reasoning.set(category.name.toLowerCase(), useReasoningFor(category, best?.score))
    }
    this.reasoningByCategory = reasoning
    this.templateParams = templateParams(config)
    this.autoNames = new Set([config.auto_model_name, 'auto'])
    this.hasModelCatalog =
      Object.keys(config.model_config).length > 0 ||
      config.categories.length > 0 ||
      config.default_model !== ''
  }

  /** Model candidates of a category (config order); [] for no or an unknown category. */
  candidates(category: string): readonly ModelCandidate[] {
    return this.candidatesByCategory.get(category.toLowerCase()) ?? []
  }
}
