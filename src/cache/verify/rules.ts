/**
 * The hand-written checks of the false-hit guard, one function each. Each returns a detail string
 * when the two questions disagree on that point, or undefined. The rule-based verifier rejects on
 * the first disagreement; the learned verifier uses them as features.
 */
import type { CacheVerificationOptions } from '../../config/schema/cache.js'
import { stem, type Fingerprint } from './fingerprint.js'
import {
  ASYMMETRIC_MARKERS,
  GENERIC_EXTRA_WORDS,
  MEASUREMENT_UNITS,
  NEGATING_PREFIXES,
  NUMBER_WORDS,
} from './lexicon.js'

const GENERIC_EXTRA_STEMS = new Set([...GENERIC_EXTRA_WORDS].map(stem))

export function numbersDiffer(a: Fingerprint, b: Fingerprint): string | undefined {
  return sameMultiset(a.numbers, b.numbers)
    ? undefined
    : `${a.numbers.join(',')} vs ${b.numbers.join(',')}`
}

export function negationDiffers(a: Fingerprint, b: Fingerprint): string | undefined {
  return polarity(a, b) !== polarity(b, a) ? 'one question is negated' : undefined
}

/** Named things, identifiers and quoted strings one side has and the other does not mention. */
export function unmatchedEntities(a: Fingerprint, b: Fingerprint): string[] {
  return [...unmatched(a, b), ...unmatched(b, a)]
}

/** Different operator symbols, or opposite words (encrypt/decrypt, max/min) on the two sides. */
export function operatorsDiffer(a: Fingerprint, b: Fingerprint): string | undefined {
  if (!sameMultiset(a.operators, b.operators))
    return `${a.operators.join('')} vs ${b.operators.join('')}`
  const groups = new Set([...a.opposites.keys(), ...b.opposites.keys()])
  for (const group of groups) {
    const sa = [...(a.opposites.get(group) ?? [])].sort().join()
    const sb = [...(b.opposites.get(group) ?? [])].sort().join()
    if (sa !== sb) return group
  }
  return undefined
}

/** The same things named in another order where order matters, or a reversed "X to Y". */
export function orderDiffers(a: Fingerprint, b: Fingerprint): string | undefined {
  if (orderMatters(a, b) && a.sequence.join('\u0000') !== b.sequence.join('\u0000'))
    return 'the same things in a different order'
  const reversed = a.directions.find((d) =>
    b.directions.includes(`${d.split('>')[1]}>${d.split('>')[0]}`),
  )
  return reversed === undefined ? undefined : `direction ${reversed} reversed`
}

/**
 * A quantity measured in another unit of the same kind: "seconds in a day" / "minutes in a day",
 * "miles" / "kilometres". A unit only one side names ("how long…" / "how many minutes…") is not a
 * swap.
 */
export function unitsDiffer(a: Fingerprint, b: Fingerprint): string | undefined {
  const ua = unitsOf(a.words)
  const ub = unitsOf(b.words)
  const onlyA = [...ua].filter((u) => !ub.has(u))
  const onlyB = [...ub].filter((u) => !ua.has(u))
  const kind = (u: string) => u.split(':')[0]
  const swapped = onlyA.find((u) => onlyB.some((v) => kind(v) === kind(u)))
  if (swapped === undefined) return undefined
  const other = onlyB.find((v) => kind(v) === kind(swapped))!
  return `${swapped.split(':')[1]} vs ${other.split(':')[1]}`
}

/**
 * The units a question measures in. A time word counts when plural or after a number, "a" or
 * "per" ("seconds", "a day"): "each day", "the best month", "time of year" measure nothing.
 */
function unitsOf(tokens: readonly string[]): Set<string> {
  const words = tokens.flatMap((t) => t.split('-'))
  const out = new Set<string>()
  words.forEach((w, i) => {
    const unit = MEASUREMENT_UNITS.get(w)
    if (unit === undefined) return
    const before = words[i - 1] ?? ''
    const counted =
      !unit.startsWith('time:') ||
      w.endsWith('s') ||
      /^(\d.*|a|an|one|per|half|quarter)$/.test(before) ||
      NUMBER_WORDS[before] !== undefined
    if (counted) out.add(unit)
  })
  return out
}

/** A content word swapped for another, or more one-sided extra words than allowed. */
export function contentDiffers(
  a: Fingerprint,
  b: Fingerprint,
  maxExtra: number,
): string | undefined {
  const onlyA = [...a.content].filter((w) => !b.content.has(w))
  const onlyB = [...b.content].filter((w) => !a.content.has(w))
  if (onlyA.length > 0 && onlyB.length > 0) return `${onlyA.join(',')} vs ${onlyB.join(',')}`
  const extra = [...onlyA, ...onlyB].filter((w) => !GENERIC_EXTRA_STEMS.has(w))
  return extra.length > maxExtra ? `extra ${extra.join(',')}` : undefined
}

/** Switch off the checks the configuration disables (the learned verifier honours them too). */
export type CheckSwitches = Pick<
  CacheVerificationOptions,
  'numbers' | 'negation' | 'entities' | 'operators' | 'content_words'
>

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

/** Entities of `self` that `other` does not mention at all (in any case, or abbreviated). */
function unmatched(self: Fingerprint, other: Fingerprint): string[] {
  return self.entities.filter((e) =>
    e.startsWith('"')
      ? !other.entities.includes(e)
      : !other.tokens.has(e) &&
        !other.entities.some((x) => x.includes(e)) &&
        !abbreviates(e, other) &&
        !other.entities.some((x) => !x.startsWith('"') && abbreviates(x, self)),
  )
}

/**
 * `short` abbreviates words of `text`: the initials of consecutive words ("usa" → United States of
 * America, "kpi" → key performance indicators, "wwi" → World War I) or a shortened name ("js" →
 * JavaScript's capitals, "postgres" → PostgreSQL).
 */
function abbreviates(short: string, text: Fingerprint): boolean {
  if (short.length < 2 || !/^[a-z]+$/.test(short.replace(/s$/, ''))) return false
  const letters = short.replace(/s$/, '')
  const initials = text.words.map((w) => (FILLERS.has(w) ? '' : w[0]!)).join('')
  if (letters.length >= 3 && initials.includes(letters)) return true
  return text.entities.some(
    (x) =>
      x !== short &&
      !x.startsWith('"') &&
      ((x.length > letters.length && letters.length >= 4 && x.startsWith(letters)) ||
        (text.capitals.get(x) ?? '') === letters),
  )
}

/** Words an abbreviation skips ("United States of America" → USA). */
const FILLERS = new Set(['of', 'and', 'the', 'for', '&'])

/** Order matters when two or more things are named and a directional word links them. */
function orderMatters(a: Fingerprint, b: Fingerprint): boolean {
  if (a.sequence.length < 2 || b.sequence.length < 2) return false
  return a.words.some((w) => ASYMMETRIC_MARKERS.has(w)) || b.operators.length > 0
}
