/**
 * Every embedded model's test-split evaluation. To add one: write a CardEvaluation next to this
 * file (see category.ts) and list it here; `semantic-router eval --write` then fills its data cards
 * and records its figures, and the regression test covers it.
 */
import { categoryCard } from './category.js'
import type { CardEvaluation } from './types.js'

export const CARD_EVALUATIONS: readonly CardEvaluation[] = [categoryCard]
