/**
 * Scoring with a forest of regression trees (gradient boosting, trained by
 * training/cache-verifier/boosting.ts): the sum of one leaf value per tree, a logit.
 */
export interface TreeNode {
  /** Leaf: value; split: feature index, threshold (go left when x[f] <= threshold), children. */
  readonly value?: number
  readonly feature?: number
  readonly threshold?: number
  readonly left?: TreeNode
  readonly right?: TreeNode
}

export interface Forest {
  readonly base: number
  readonly rate: number
  readonly trees: readonly TreeNode[]
}

export function predictTree(node: TreeNode, x: ArrayLike<number>): number {
  let n = node
  while (n.feature !== undefined) n = x[n.feature]! <= n.threshold! ? n.left! : n.right!
  return n.value!
}

export function forestScore(forest: Forest, x: ArrayLike<number>): number {
  let s = forest.base
  for (const t of forest.trees) s += forest.rate * predictTree(t, x)
  return s
}
