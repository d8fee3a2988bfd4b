/** Walking rule trees: which signals the decisions of a v0.3 document refer to. */
import type { RuleNodeConfig } from '../schema/v03/rules.js'
import type { RecipeRoutingConfig, V03Document } from '../schema/v03/index.js'
import type { PathSegment } from '../issues.js'

export interface LeafRef {
  readonly type: string
  readonly name: string
  readonly node: RuleNodeConfig
  /** YAML path of the leaf. */
  readonly path: readonly PathSegment[]
}

/** Every leaf of a rule tree, depth first, with its YAML path. */
export function leavesOf(
  node: RuleNodeConfig | undefined,
  path: readonly PathSegment[],
): LeafRef[] {
  if (!node) return []
  if (node.type !== undefined && node.name !== undefined)
    return [{ type: node.type, name: node.name, node, path }]
  return (node.conditions ?? []).flatMap((child, i) => leavesOf(child, [...path, 'conditions', i]))
}

/** Every routing profile of a document: the top-level routing (`default`) and each recipe's. */
export function profilesOf(
  doc: V03Document,
): { name: string; routing: RecipeRoutingConfig; path: PathSegment[] }[] {
  return [
    { name: 'default', routing: doc.routing, path: ['routing'] },
    ...doc.recipes.map((r, i) => ({
      name: r.name,
      routing: r.routing,
      path: ['recipes', i, 'routing'] as PathSegment[],
    })),
  ]
}

/** Leaves of a profile's decisions and of its complexity composers. */
export function profileLeaves(routing: RecipeRoutingConfig, base: PathSegment[]): LeafRef[] {
  return [
    ...routing.decisions.flatMap((d, i) => leavesOf(d.rules, [...base, 'decisions', i, 'rules'])),
    ...routing.signals.complexity.flatMap((c, i) =>
      leavesOf(c.composer, [...base, 'signals', 'complexity', i, 'composer']),
    ),
  ]
}

export function referencedLeafTypes(doc: V03Document): Set<string> {
  const types = new Set<string>()
  for (const p of profilesOf(doc))
    for (const leaf of profileLeaves(p.routing, p.path)) types.add(leaf.type)
  return types
}
