/**
 * Each decision's own ModelSelector (upstream's `decisions[].algorithm`). A decision whose
 * algorithm type is a registered selector gets an instance built with the algorithm's block as
 * options and the decision as scope (a learning selector keeps its state per decision); the
 * others — no algorithm, `static`, or a type not implemented here (the loader warned) — use the
 * router's default selector.
 */
import type { PathSegment } from '../../config/issues.js'
import type { ConfigReport, PluginRegistry } from '../../config/plugin.js'
import type { RouterConfig } from '../../config/schema/index.js'
import {
  ALGORITHM_BLOCKS,
  LOOPER_ALGORITHMS,
  type AlgorithmConfig,
} from '../../config/schema/v03/algorithms.js'
import type { DecisionModel, Decision } from '../../decisions/types.js'
import type { AnyModelSelectorPlugin } from './registry.js'
import type { ModelSelector, SelectionBuildContext } from './types.js'

export function buildDecisionSelectors(
  model: DecisionModel,
  ctx: SelectionBuildContext,
  registry: PluginRegistry<AnyModelSelectorPlugin>,
): Map<Decision, ModelSelector> {
  const out = new Map<Decision, ModelSelector>()
  for (const recipe of model.recipes.values())
    for (const decision of recipe.decisions) {
      const algorithm = decision.algorithm
      if (algorithm === undefined) continue
      const plugin = registry.get(algorithm.type)
      if (!plugin) continue
      const at = ['decisions', decision.name, 'algorithm']
      const found = registry.require(algorithm.type, algorithm.options, {
        kind: [...at, 'type'],
        options: [...at, algorithm.type],
      })
      out.set(
        decision,
        found.plugin.create(
          { ...ctx, decision: { recipe: recipe.name, name: decision.name } },
          found.options,
        ),
      )
    }
  return out
}

/** The selector that chooses among a decision's candidates. */
export function selectorFor(
  decisions: ReadonlyMap<Decision, ModelSelector> | undefined,
  decision: Decision | undefined,
  fallback: ModelSelector,
): ModelSelector {
  return (decision && decisions?.get(decision)) ?? fallback
}

/**
 * Load-time check of every v0.3 decision's algorithm against the selector registry: a registered
 * type's options must pass its schema (so validate-config refuses what serve would); a type with
 * no selector here is a warning that the default selector is used instead.
 */
export function checkDecisionAlgorithms(
  config: RouterConfig,
  registry: PluginRegistry<AnyModelSelectorPlugin>,
  report: ConfigReport,
): void {
  const v03 = config.v03
  if (!v03) return
  const profiles: [readonly { algorithm?: AlgorithmConfig | undefined }[], PathSegment[]][] = [
    [v03.routing.decisions, ['routing']],
    ...v03.recipes.map(
      (r, i) =>
        [r.routing.decisions, ['recipes', i, 'routing']] as [
          typeof r.routing.decisions,
          PathSegment[],
        ],
    ),
  ]
  for (const [decisions, base] of profiles)
    decisions.forEach((d, i) => {
      const algorithm = d.algorithm
      if (algorithm === undefined) return
      const at: PathSegment[] = [...base, 'decisions', i, 'algorithm']
      if (registry.get(algorithm.type)) {
        registry.check(
          algorithm.type,
          algorithm.options,
          { kind: [...at, 'type'], options: [...at, algorithm.type] },
          report,
        )
        return
      }
      if (!Object.hasOwn(ALGORITHM_BLOCKS, algorithm.type)) {
        report(
          'error',
          [...at, 'type'],
          `unknown algorithm "${algorithm.type}" (known: ${[...new Set([...Object.keys(ALGORITHM_BLOCKS), ...registry.kinds()])].join(', ')})`,
        )
        return
      }
      report(
        'warning',
        [...at, 'type'],
        LOOPER_ALGORITHMS.has(algorithm.type)
          ? `"${algorithm.type}" calls several models through upstream's looper, which this router does not have; the default selector (${config.pipeline.model_selector.kind}) is used`
          : `model selection "${algorithm.type}" is not implemented in this router yet; the default selector (${config.pipeline.model_selector.kind}) is used`,
      )
    })
}
