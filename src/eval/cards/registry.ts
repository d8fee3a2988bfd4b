/**
 * Every embedded model's test-split evaluation. To add one: write a CardEvaluation next to this
 * file (see category.ts) and list it here; `semantic-router eval --write` then fills its data cards
 * and records its figures, and the regression test covers it.
 */
import { EMBEDDED_MODELS } from '../../ml/embedded.js'
import { cacheCard } from './cache.js'
import { categoryCard } from './category.js'
import { embeddingCard } from './embedding.js'
import { jailbreakCard } from './jailbreak.js'
import type { CardEvaluation } from './types.js'

export const CARD_EVALUATIONS: readonly CardEvaluation[] = [
  categoryCard,
  embeddingCard('lexical-embedding', EMBEDDED_MODELS.embedding, [
    'training/embedding/DATA_CARD.md',
    'models/lexical-embedding/README.md',
  ]),
  embeddingCard('word-vectors', EMBEDDED_MODELS.wordVectors, [
    'training/word-vectors/DATA_CARD.md',
    'models/word-vectors/README.md',
  ]),
  jailbreakCard,
  cacheCard,
]
