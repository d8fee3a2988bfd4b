/** Compiling rule trees from their YAML form, and walking compiled ones. */
import type { RuleNodeConfig } from '../config/schema/v03/rules.js'
import type { RuleNode } from './types.js'

/** Leaf key: the signal type and the rule name (metadata names are case-insensitive). */
export function leafKey(type: string, name: string): string {
  return `${type}:${type === 'metadata' || type === 'classifier' ? name.toLowerCase() : name}`
}

/**
 * Compile a validated rule tree. `composers` maps a complexity rule name to its composer tree: a
 * complexity leaf of that rule must also satisfy it.
 */
export function compileRule(
  node: RuleNodeConfig,
  composers: ReadonlyMap<string, RuleNodeConfig> = new Map(),
): RuleNode {
  if (node.type !== undefined && node.name !== undefined) {
    const leaf: RuleNode = {
      kind: 'leaf',
      type: node.type,
      name: node.name,
      key: leafKey(node.type, node.name),
    }
    if (node.type !== 'complexity') return leaf
    const composer = composers.get(node.name.slice(0, node.name.lastIndexOf(':')))
    // A composer cannot name complexity leaves of its own rule (no recursion through composers).
    return composer ? { kind: 'gate', child: leaf, condition: compileRule(composer) } : leaf
  }
  const children = (node.conditions ?? []).map((c) => compileRule(c, composers))
  const op = (node.operator ?? 'AND').toUpperCase()
  if (op === 'NOT') return { kind: 'not', child: children[0]! }
  return { kind: op === 'OR' ? 'or' : 'and', children }
}

/** Every leaf of a compiled tree. */
export function leaves(node: RuleNode | undefined): Extract<RuleNode, { kind: 'leaf' }>[] {
  if (!node) return []
  switch (node.kind) {
    case 'leaf':
      return [node]
    case 'not':
      return leaves(node.child)
    case 'gate':
      return [...leaves(node.child), ...leaves(node.condition)]
    default:
      return node.children.flatMap(leaves)
  }
}

/** The first domain leaf in reading order ('' when none): upstream's selected category. */
export function firstDomain(node: RuleNode | undefined): string {
  return leaves(node).find((l) => l.type === 'domain')?.name ?? ''
}
