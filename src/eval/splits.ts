/**
 * Deterministic train / dev / test assignment and the text key used for de-duplication. A text's
 * split depends only on its normalised form (a hash), so adding or reordering data never moves an
 * existing example to another split, and two near-identical writings of one question (case,
 * punctuation, spacing) always land together — they cannot leak across splits.
 */
import { createHash } from 'node:crypto'

export type Split = 'train' | 'dev' | 'test'

export const SPLIT_FRACTIONS = { dev: 0.15, test: 0.15 } as const

/** Lower-cased letters and digits, single-spaced: what counts as "the same text". */
export function dedupKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

/** A number in [0, 1) from the hash of the de-duplication key. */
export function unitHash(text: string, salt = 'split-v1'): number {
  const digest = createHash('sha256')
    .update(`${salt}\u0000${dedupKey(text)}`)
    .digest()
  return digest.readUInt32BE(0) / 2 ** 32
}

export function splitOf(text: string): Split {
  const u = unitHash(text)
  if (u < SPLIT_FRACTIONS.test) return 'test'
  if (u < SPLIT_FRACTIONS.test + SPLIT_FRACTIONS.dev) return 'dev'
  return 'train'
}
