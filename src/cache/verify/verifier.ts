/**
 * The false-hit guard. A vector match says two questions are *about* the same thing; this decides
 * whether they *ask* the same thing. Each check is a cheap comparison of two fingerprints and can be
 * switched off in `semantic_cache.verification`. The first failing check names the rejection reason
 * (a metric label: numbers | negation | entities | operators | order | content_words).
 */
import type { CacheVerificationOptions } from '../../config/schema/cache.js'
import { fingerprint, stem, type Fingerprint } from './fingerprint.js'
import { ASYMMETRIC_MARKERS, GENERIC_EXTRA_WORDS, NEGATING_PREFIXES } from './lexicon.js'

const GENERIC_EXTRA_STEMS = new Set([...GENERIC_EXTRA_WORDS].map(stem))

export type RejectionReason =
  'numbers' | 'negation' | 'entities' | 'operators' | 'order' | 'content_words'

export type Verdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: RejectionReason; readonly detail: string }

const OK: Verdict = { ok: true }

export class QueryVerifier {
  private readonly cache = new Map<string, Fingerprint>()

  constructor(private readonly options: CacheVerificationOptions) {}

  get enabled(): boolean {
    return this.options.enabled
  }

  /** Compare the incoming question with a cached one. */
  verify(query: string, cached: string): Verdict {
    if (!this.options.enabled || query === cached) return OK
    return compare(this.print(query), this.print(cached), this.options)
  }

  /** Fingerprints of recent texts (a hot cached question is compared many times). */
  private print(text: string): Fingerprint {
    let fp = this.cache.get(text)
    if (fp === undefined) {
      fp = fingerprint(text)
      if (this.cache.size >= 1024) this.cache.delete(this.cache.keys().next().value!)
      this.cache.set(text, fp)
    }
    return fp
  }
}

export function compare(a: Fingerprint, b: Fingerprint, o: CacheVerificationOptions): Verdict {
  if (o.numbers && !sameMultiset(a.numbers, b.numbers))
    return reject('numbers', `${a.numbers.join(',')} vs ${b.numbers.join(',')}`)
  if (o.negation && polarity(a, b) !== polarity(b, a))
    return reject('negation', 'one question is negated')
  if (o.entities) {
    const missing = [...unmatched(a, b), ...unmatched(b, a)]
    if (missing.length > 0) return reject('entities', missing.join(','))
  }
  if (o.operators) {
    if (!sameMultiset(a.operators, b.operators))
      return reject('operators', `${a.operators.join('')} vs ${b.operators.join('')}`)
    const groups = new Set([...a.opposites.keys(), ...b.opposites.keys()])
    for (const group of groups) {
      const sa = [...(a.opposites.get(group) ?? [])].sort().join()
      const sb = [...(b.opposites.get(group) ?? [])].sort().join()
      if (sa !== sb) return reject('operators', group)
    }
    if (orderMatters(a, b) && a.sequence.join('\u0000') !== b.sequence.join('\u0000'))
      return reject('order', 'the same things in a different order')
    const reversed = a.directions.find((d) =>
      b.directions.includes(`${d.split('>')[1]}>${d.split('>')[0]}`),
    )
    if (reversed !== undefined) return reject('order', `direction ${reversed} reversed`)
  }
  if (o.content_words) {
    const onlyA = [...a.content].filter((w) => !b.content.has(w))
    const onlyB = [...b.content].filter((w) => !a.content.has(w))
    if (onlyA.length > 0 && onlyB.length > 0)
      return reject('content_words', `${onlyA.join(',')} vs ${onlyB.join(',')}`)
    const extra = [...onlyA, ...onlyB].filter((w) => !GENERIC_EXTRA_STEMS.has(w))
    if (extra.length > o.max_extra_content_words)
      return reject('content_words', `extra ${extra.join(',')}`)
  }
  return OK
}

function reject(reason: RejectionReason, detail: string): Verdict {
  return { ok: false, reason, detail }
}

function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  const x = [...a].sort()
  const y = [...b].sort()
  return x.every((v, i) => v === y[i])
}

/** Negation parity, counting "unsafe" as a negation when the other text says "safe". */
function polarity(self: Fingerprint, other: Fingerprint): number {
  let count = self.negations
  for (const word of self.words) {
    if (other.tokens.has(word)) continue
    for (const prefix of NEGATING_PREFIXES)
      if (
        word.length - prefix.length >= 3 &&
        word.startsWith(prefix) &&
        other.tokens.has(word.slice(prefix.length))
      ) {
        count++
        break
      }
  }
  return count % 2
}

/** Entities of `self` that `other` does not mention at all (in any case). */
function unmatched(self: Fingerprint, other: Fingerprint): string[] {
  return self.entities.filter((e) =>
    e.startsWith('"')
      ? !other.entities.includes(e)
      : !other.tokens.has(e) && !other.entities.some((x) => x.includes(e)),
  )
}

/** Order matters when two or more things are named and a directional word links them. */
function orderMatters(a: Fingerprint, b: Fingerprint): boolean {
  if (a.sequence.length < 2 || b.sequence.length < 2) return false
  return a.words.some((w) => ASYMMETRIC_MARKERS.has(w)) || b.operators.length > 0
}
