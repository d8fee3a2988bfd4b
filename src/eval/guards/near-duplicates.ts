/**
 * Near-duplicate detection for the guard corpora: two texts are near duplicates when their
 * normalised forms are equal, or their word-trigram sets overlap with Jaccard ≥ 0.5, or (short
 * texts) their word sets overlap with Jaccard ≥ 0.8. Used to keep train / dev / test apart and to
 * keep every evaluation file in the repository out of the training data.
 */
import { normaliseForSplit } from './splits.js'

export interface Fingerprint {
  readonly normalised: string
  readonly words: ReadonlySet<string>
  readonly trigrams: ReadonlySet<string>
}

export function fingerprint(text: string): Fingerprint {
  const normalised = normaliseForSplit(text)
  const tokens = normalised.split(' ').filter(Boolean)
  const trigrams = new Set<string>()
  for (let i = 0; i + 2 < tokens.length; i++)
    trigrams.add(`${tokens[i]} ${tokens[i + 1]} ${tokens[i + 2]}`)
  return { normalised, words: new Set(tokens), trigrams }
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0
  const [small, large] = a.size <= b.size ? [a, b] : [b, a]
  let inter = 0
  for (const x of small) if (large.has(x)) inter++
  return inter / (a.size + b.size - inter)
}

export function nearDuplicate(a: Fingerprint, b: Fingerprint): boolean {
  if (a.normalised === b.normalised) return true
  if (jaccard(a.trigrams, b.trigrams) >= 0.5) return true
  return Math.max(a.words.size, b.words.size) <= 12 && jaccard(a.words, b.words) >= 0.8
}

/** Index of word → fingerprints containing it, to compare only texts that share a rare word. */
export class NearDuplicateIndex {
  private readonly items: Fingerprint[] = []
  private readonly byWord = new Map<string, number[]>()

  add(f: Fingerprint): number {
    const id = this.items.length
    this.items.push(f)
    for (const w of f.words) {
      const list = this.byWord.get(w)
      if (list) list.push(id)
      else this.byWord.set(w, [id])
    }
    return id
  }

  /**
   * Ids of indexed fingerprints that are near duplicates of f. Candidates come from shared words,
   * skipping words so common that sharing them says nothing (a near duplicate shares rarer ones).
   */
  matches(f: Fingerprint): number[] {
    const seen = new Set<number>()
    const out: number[] = []
    const common = Math.max(200, this.items.length / 20)
    for (const w of f.words) {
      const list = this.byWord.get(w) ?? []
      if (list.length > common) continue
      for (const id of list) {
        if (seen.has(id)) continue
        seen.add(id)
        if (nearDuplicate(f, this.items[id]!)) out.push(id)
      }
    }
    return out
  }
}
