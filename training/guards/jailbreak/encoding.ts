/**
 * What the jailbreak trainer (train.ts) reads prompts as: word ids from the word-vector model's
 * tokenizer (models/word-vectors), cut at the length the exported folder declares, and the
 * per-word flags (WordNet concepts, intent groups) that the two models add to the vectors.
 */
import type { CorpusExample } from '../../../src/eval/guards/jailbreak-corpus.js'
import { loadWordVectors, type WordVectors } from '../../lib/word-vectors.js'
import { CONCEPTS, conceptFlags } from './concepts.js'
import { INTENT_GROUPS, intentFlags, joinFlags } from './intent.js'
import type { WindowExample } from './window-model.js'

export const MAX_LENGTH = 512

export interface Encoding {
  // The classifier uses the word-vector model's word-level tokenizer, and its vectors give every
  // vocabulary word a meaning, including words never seen in training.
  readonly vectors: WordVectors
  readonly vocab: readonly string[]
  /** WordNet concept flags per vocabulary word (the window model's extra features). */
  readonly flags: Float32Array
  /** Concept and intent-group flags per vocabulary word (the convolution's extra features). */
  readonly convFlags: Float32Array
  /** Labelled, weight-1 examples of the prompts' word ids (at most MAX_LENGTH). */
  readonly encode: (examples: readonly CorpusExample[]) => Promise<WindowExample[]>
}

export function loadEncoding(vectorsDir: string): Encoding {
  const vectors = loadWordVectors(vectorsDir)
  const vocab = vectors.words
  const flags = conceptFlags(vocab)
  const convFlags = joinFlags(
    vocab.length,
    flags,
    CONCEPTS.length,
    intentFlags(vocab),
    INTENT_GROUPS.length,
  )
  return {
    vectors,
    vocab,
    flags,
    convFlags,
    encode: async (examples) => {
      const ids = await vectors.encode(examples.map((e) => e.text))
      return ids.map((row, i) => ({
        ids: row.slice(0, MAX_LENGTH),
        label: examples[i]!.attack ? 1 : 0,
        weight: 1,
      }))
    },
  }
}
