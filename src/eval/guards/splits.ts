/**
 * Deterministic train / dev / test assignment for the guard corpora: a hash of the normalised text
 * (lower case, marks and punctuation removed, spaces collapsed) picks the split, so an example never
 * changes split when others are added, and two spellings of the same text land together.
 */
export type Split = 'train' | 'dev' | 'test'

/** Lower case, accents and inline PII marks removed, non-alphanumerics collapsed to one space. */
export function normaliseForSplit(text: string): string {
  return text
    .replace(/\[\[[A-Z_]+:([^\]]+)\]\]/g, '$1')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

/** FNV-1a, 32 bits. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

/** 60 % train, 20 % dev, 20 % test. */
export function splitOf(text: string): Split {
  const bucket = fnv1a(normaliseForSplit(text)) % 100
  return bucket < 60 ? 'train' : bucket < 80 ? 'dev' : 'test'
}
