/**
 * A learned combination of the embedded rules and a model that was trained with them (the embedded
 * classifier's config.json, `_semantic_router.rules_combination`, fitted by
 * training/guards/jailbreak/train.ts on out-of-fold scores): a rule verdict at or above
 * `rulesAloneAt` flags on its own (the rules' precise cases); below it, the rules' evidence (their
 * clipped logit) is added to the model's logit with the fitted weight, so a rule phrase quoted in a
 * harmless question can be outweighed, and a weak rule hit plus a suspicious model score add up.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { RuleCombination } from '../types.js'

export type { RuleCombination }

/** Logit of a probability, clipped to ±6.9 (p in [0.001, 0.999]). */
export function clippedLogit(p: number): number {
  const q = Math.min(0.999, Math.max(0.001, p))
  return Math.log(q / (1 - q))
}

/** P(attack) from the rules' and the model's probabilities under a learned combination. */
export function combinedProbability(pRules: number, pModel: number, c: RuleCombination): number {
  const q = Math.min(1 - 1e-12, Math.max(1e-12, pModel))
  const z = Math.log(q / (1 - q)) + c.ruleWeight * clippedLogit(pRules) + (c.offset ?? 0)
  const p = 1 / (1 + Math.exp(-z))
  return pRules >= c.rulesAloneAt ? Math.max(p, pRules) : p
}

const schema = z.object({
  _semantic_router: z.object({
    rules_combination: z.strictObject({
      rule_weight: z.number().finite().min(0).max(10),
      rules_alone_at: z.number().min(0).max(1),
      offset: z.number().finite().min(-20).max(20).optional(),
    }),
  }),
})

/** The combination a model folder asks for; undefined for any model without one (rules OR model). */
export function readRuleCombination(dir: string): RuleCombination | undefined {
  const file = join(dir, 'config.json')
  if (!existsSync(file)) return undefined
  const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  if (!parsed.success) return undefined
  const c = parsed.data._semantic_router.rules_combination
  return {
    ruleWeight: c.rule_weight,
    rulesAloneAt: c.rules_alone_at,
    ...(c.offset === undefined ? {} : { offset: c.offset }),
  }
}
