/**
 * Category lookups compiled once per config: generic names, the MMLU-Pro label → category mapping
 * (`mmlu_categories`), and translation of a classifier's probability distribution into generic
 * categories (probabilities of labels mapping to the same category are summed).
 */
import type { CategoryProbability } from '../classify/types.js'
import type { CategoryConfig, RouterConfig } from '../config/schema/index.js'

export class CategoryIndex {
  private readonly byName = new Map<string, CategoryConfig>()
  private readonly byLabel = new Map<string, string>()

  constructor(config: RouterConfig) {
    for (const category of config.categories) {
      this.byName.set(category.name.toLowerCase(), category)
      for (const label of category.mmlu_categories) {
        // First mapping wins, as in upstream's map construction order.
        if (!this.byLabel.has(label.toLowerCase()))
          this.byLabel.set(label.toLowerCase(), category.name)
      }
    }
  }

  get(name: string): CategoryConfig | undefined {
    return name === '' ? undefined : this.byName.get(name.toLowerCase())
  }

  /** Generic category for a classifier label: mapped via mmlu_categories, else the label itself. */
  translate(label: string): string {
    const key = label.toLowerCase()
    const mapped = this.byLabel.get(key)
    if (mapped !== undefined) return mapped
    return this.byName.get(key)?.name ?? label
  }

  translateDistribution(distribution: readonly CategoryProbability[]): CategoryProbability[] {
    const sums = new Map<string, number>()
    for (const { category, probability } of distribution) {
      const name = this.translate(category)
      sums.set(name, (sums.get(name) ?? 0) + probability)
    }
    return [...sums].map(([category, probability]) => ({ category, probability }))
  }
}
