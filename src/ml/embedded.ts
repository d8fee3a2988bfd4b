/**
 * The embedded default models shipped in models/ (built by training/, see docs/classifiers.md).
 * They are ordinary Hugging Face folders, loaded by the same code as a user's model.
 */
import { join } from 'node:path'

const MODELS_DIR = join(import.meta.dirname, '..', '..', 'models')

export const EMBEDDED_MODELS = {
  /** 14 MMLU-Pro categories, upstream label order. */
  category: join(MODELS_DIR, 'category-classifier'),
  /** Lexical sentence embedding (384 dimensions). */
  embedding: join(MODELS_DIR, 'lexical-embedding'),
  /**
   * Pretrained word vectors (100 dimensions, int8), weighted-mean `sentence_embedding` plus
   * `token_embeddings` / `token_weights`; classifiers built on the vectors embed the same table.
   */
  wordVectors: join(MODELS_DIR, 'word-vectors'),
  /** Jailbreak / harmful-request classifier (`benign` / `jailbreak`), combined with the rules. */
  jailbreak: join(MODELS_DIR, 'jailbreak-classifier'),
} as const

export type EmbeddedModel = keyof typeof EMBEDDED_MODELS
