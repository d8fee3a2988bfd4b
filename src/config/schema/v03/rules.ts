/**
 * Decision rule trees (`routing.decisions[].rules`, and a complexity signal's `composer`): a node is
 * either a leaf naming a signal (`{type, name}`) or an operator over child nodes
 * (`{operator: AND|OR|NOT, conditions: [...]}`), nested to any depth.
 *
 * Upstream's Go router upper-cases the operator and reads an unknown one as OR; its CLI rejects
 * unknown operators and a NOT with other than one child. We follow the CLI: both are errors, since
 * a typo that silently widens a rule routes traffic where nobody intended.
 */
import { z } from 'zod'

/** A numeric comparison; every bound given must hold. */
export const numericPredicateSchema = z
  .strictObject({
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), {
    message: 'needs at least one of gt, gte, lt, lte',
  })

export type NumericPredicate = z.infer<typeof numericPredicateSchema>

export const RULE_OPERATORS = ['AND', 'OR', 'NOT'] as const
export type RuleOperator = (typeof RULE_OPERATORS)[number]

export interface RuleNodeConfig {
  operator?: string | undefined
  conditions?: RuleNodeConfig[] | undefined
  type?: string | undefined
  name?: string | undefined
  /** classifier leaves: which label's score the predicate reads. */
  label?: string | undefined
  predicate?: NumericPredicate | undefined
  /** classifier leaves: what a failed classifier counts as. */
  on_error?: 'match' | 'no_match' | undefined
}

export const ruleNodeSchema: z.ZodType<RuleNodeConfig> = z.lazy(() =>
  z
    .strictObject({
      operator: z.string().optional(),
      conditions: z.array(ruleNodeSchema).optional(),
      type: z.string().min(1).optional(),
      name: z.string().min(1).optional(),
      label: z.string().optional(),
      predicate: numericPredicateSchema.optional(),
      on_error: z.enum(['match', 'no_match']).optional(),
    })
    .superRefine((node, ctx) => {
      const isLeaf = node.type !== undefined || node.name !== undefined
      if (isLeaf && (node.operator !== undefined || node.conditions !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          message: 'a rule node is either a leaf (type, name) or an operator with conditions',
        })
        return
      }
      if (isLeaf) {
        if (node.type === undefined)
          ctx.addIssue({ code: 'custom', path: ['type'], message: 'a leaf needs a signal type' })
        if (node.name === undefined)
          ctx.addIssue({ code: 'custom', path: ['name'], message: 'a leaf needs a signal name' })
        return
      }
      if (node.operator === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['operator'],
          message: 'needs operator AND, OR or NOT (or type and name for a leaf)',
        })
        return
      }
      const op = node.operator.toUpperCase()
      if (!(RULE_OPERATORS as readonly string[]).includes(op))
        ctx.addIssue({
          code: 'custom',
          path: ['operator'],
          message: `unknown operator "${node.operator}" (AND, OR or NOT)`,
        })
      if (op === 'NOT' && (node.conditions?.length ?? 0) !== 1)
        ctx.addIssue({
          code: 'custom',
          path: ['conditions'],
          message: `NOT takes exactly one condition (got ${node.conditions?.length ?? 0})`,
        })
      if (op === 'OR' && (node.conditions?.length ?? 0) === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['conditions'],
          message: 'OR needs at least one condition',
        })
    }),
)
