/**
 * Rule evaluation over partially known signal results, and the choice among matching decisions.
 *
 * Signals are evaluated lazily (src/decisions/engine.ts): a rule is first evaluated with only the
 * cheap signals known, in three-valued logic (match / no match / unknown). Decisions that can no
 * longer win are dropped, and only the signals that the remaining contenders still need are
 * evaluated next. With every needed signal known the result is the same as evaluating everything.
 *
 * Confidence (upstream's `decision/engine.go`): a leaf gives its signal's confidence; AND the mean
 * of its children; OR the highest matching child; a matching NOT 1.0; an empty AND, or no rules at
 * all, 0. Ordering (`decisionResultLess`): priority strategy — higher priority, then confidence,
 * then name; confidence strategy — confidence, then priority, then name; when a matching decision
 * has a tier above 0, lower tiers win first (then confidence, priority, name).
 */
import type { Decision, Recipe, RuleNode } from './types.js'

export type LeafState =
  | { readonly state: 'match'; readonly confidence: number }
  | { readonly state: 'no_match' }
  | { readonly state: 'unknown' }

export type LeafLookup = (leaf: Extract<RuleNode, { kind: 'leaf' }>) => LeafState

export interface RuleValue {
  readonly value: 'match' | 'no_match' | 'unknown'
  readonly confidence: number
  /** False when an unknown leaf could still change the confidence of a match. */
  readonly exact: boolean
}

const NO: RuleValue = { value: 'no_match', confidence: 0, exact: true }
const UNKNOWN: RuleValue = { value: 'unknown', confidence: 0, exact: false }

export function evaluateRule(node: RuleNode | undefined, lookup: LeafLookup): RuleValue {
  if (!node) return { value: 'match', confidence: 0, exact: true }
  switch (node.kind) {
    case 'leaf': {
      const s = lookup(node)
      if (s.state === 'match') return { value: 'match', confidence: s.confidence, exact: true }
      return s.state === 'no_match' ? NO : UNKNOWN
    }
    case 'not': {
      const v = evaluateRule(node.child, lookup)
      if (v.value === 'unknown') return UNKNOWN
      return v.value === 'match' ? NO : { value: 'match', confidence: 1, exact: true }
    }
    case 'gate': {
      const child = evaluateRule(node.child, lookup)
      const cond = evaluateRule(node.condition, lookup)
      if (child.value === 'no_match' || cond.value === 'no_match') return NO
      if (child.value === 'unknown' || cond.value === 'unknown') return UNKNOWN
      return child
    }
    case 'and': {
      if (node.children.length === 0) return { value: 'match', confidence: 0, exact: true }
      let sum = 0
      let unknown = false
      for (const c of node.children) {
        const v = evaluateRule(c, lookup)
        if (v.value === 'no_match') return NO
        if (v.value === 'unknown') unknown = true
        else sum += v.confidence
      }
      return unknown
        ? UNKNOWN
        : { value: 'match', confidence: sum / node.children.length, exact: true }
    }
    case 'or': {
      let best = -1
      let exact = true
      let unknown = false
      for (const c of node.children) {
        const v = evaluateRule(c, lookup)
        if (v.value === 'unknown') unknown = true
        else if (v.value === 'match') {
          if (v.confidence > best) best = v.confidence
          exact &&= v.exact
        }
      }
      if (best >= 0) return { value: 'match', confidence: best, exact: exact && !unknown }
      return unknown ? UNKNOWN : NO
    }
  }
}

export interface Verdict {
  readonly decision: Decision
  readonly value: RuleValue
}

export interface Choice {
  /** The winner once nothing unknown can change it; undefined: no decision matched. */
  readonly winner: Verdict | undefined
  /** Every decision that matched, best first (for logs). */
  readonly matched: readonly Verdict[]
  /** Decisions whose unknown leaves must be evaluated before the winner is certain. */
  readonly pending: readonly Decision[]
}

/** Evaluate a recipe's decisions with what is known, and say what is still needed. */
export function choose(recipe: Recipe, lookup: LeafLookup): Choice {
  // One pass, no intermediate arrays: this runs at least once for every routed request.
  const matched: Verdict[] = []
  const open: Verdict[] = []
  let tierActive = false
  let inexact = false
  for (const decision of recipe.decisions) {
    const value = evaluateRule(decision.rules, lookup)
    if (value.value === 'match') {
      matched.push({ decision, value })
      if (decision.tier > 0) tierActive = true
      if (!value.exact) inexact = true
    } else if (value.value === 'unknown') open.push({ decision, value })
  }
  if (matched.length > 1) matched.sort((a, b) => compare(a, b, recipe.strategy, tierActive))
  const best = matched[0]
  // Everything known and every match exact (the last choice of nearly every request): nothing is
  // pending under either rule below, so the best match wins without building their lists.
  if (open.length === 0 && !inexact) return { winner: best, matched, pending: NONE_PENDING }

  let pending: Decision[]
  if (recipe.tiered || recipe.strategy === 'confidence' || !best) {
    // Any open decision could still win; inexact matches could still reorder.
    pending = [...open, ...matched.filter((v) => !v.value.exact)].map((v) => v.decision)
  } else {
    const p = best.decision.priority
    const rivals = [...open, ...matched].filter((v) => v !== best && v.decision.priority >= p)
    const contest = rivals.some((v) => v.decision.priority === p)
    pending = [
      ...rivals.filter((v) => v.value.value === 'unknown' || !v.value.exact),
      ...(contest && !best.value.exact ? [best] : []),
    ].map((v) => v.decision)
  }
  return { winner: pending.length === 0 ? best : undefined, matched, pending }
}

const NONE_PENDING: readonly Decision[] = Object.freeze([])

function compare(a: Verdict, b: Verdict, strategy: Recipe['strategy'], tiers: boolean): number {
  const byName = a.decision.name < b.decision.name ? -1 : a.decision.name > b.decision.name ? 1 : 0
  const byPriority = b.decision.priority - a.decision.priority
  const byConfidence = b.value.confidence - a.value.confidence
  if (tiers) return a.decision.tier - b.decision.tier || byConfidence || byPriority || byName
  if (strategy === 'confidence') return byConfidence || byPriority || byName
  return byPriority || byConfidence || byName
}
