/**
 * The embedded default models shipped in models/ (built by training/, see docs/classifiers.md).
 * They are ordinary Hugging Face folders, loaded by the same code as a user's model.
 */
import { join } from 'node:path'

const MODELS_DIR = join(import.meta.dirname, '..', '..', 'models')

export const EMBEDDED_MODELS = {
  /** 14 MMLU-Pro categories, upstream label order. */
  category: join(MODELS_DIR, 'category-classifier'),
  /**
   * Sentence embedding (484 dimensions): SIF-weighted mean of the pretrained word vectors beside
   * the lexical embedding. The default `bert_model`.
   */
  embedding: join(MODELS_DIR, 'sentence-embedding'),
  /** The earlier default: lexical sentence embedding (384 dimensions), kept for comparison. */
  lexicalEmbedding: join(MODELS_DIR, 'lexical-embedding'),
  /**
   * Pretrained word vectors (100 dimensions, int8), weighted-mean `sentence_embedding` plus
   * `token_embeddings` / `token_weights`; classifiers built on the vectors embed the same table.
   */
  wordVectors: join(MODELS_DIR, 'word-vectors'),
  /** Jailbreak / harmful-request classifier (`benign` / `jailbreak`), combined with the rules. */
  jailbreak: join(MODELS_DIR, 'jailbreak-classifier'),
  /** The semantic cache's learned paraphrase verifier (trees, WordNet lexicon; reads wordVectors). */
  cacheVerifier: join(MODELS_DIR, 'cache-verifier'),
} as const

export type EmbeddedModel = keyof typeof EMBEDDED_MODELS
