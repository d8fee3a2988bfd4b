/**
 * The hand-written checks of the false-hit guard, one function each. Each returns a detail string
 * when the two questions disagree on that point, or undefined. The rule-based verifier rejects on
 * the first disagreement; the learned verifier uses them as features.
 */
import type { CacheVerificationOptions } from '../../config/schema/cache.js'
import { stem, type Fingerprint } from './fingerprint.js'
import {
  ASYMMETRIC_MARKERS,
  CARDINAL_WORDS,
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

/**
 * A number spelled at the head of a hyphenated word ("a ten-year-old" / "a sixteen-year-old", "a
 * two-week trip"): the fingerprint keeps such a word whole, so numbersDiffer and the trees never
 * see the number. Counted with each side's other numbers ("10-year-old" reads 10 already); only
 * pairs where one side has such a word are judged here.
 */
export function compoundNumbersDiffer(a: Fingerprint, b: Fingerprint): string | undefined {
  const ca = compoundNumbers(a.words)
  const cb = compoundNumbers(b.words)
  if (ca.length === 0 && cb.length === 0) return undefined
  const na = [...a.numbers, ...ca]
  const nb = [...b.numbers, ...cb]
  return sameMultiset(na, nb) ? undefined : `${na.join(',')} vs ${nb.join(',')}`
}

/** "ten-year-old" → 10, "twenty-one-year-old" → 21; "two-by-two" (same word at both ends) is none. */
function compoundNumbers(words: readonly string[]): string[] {
  return words.flatMap((w) => {
    const parts = w.split('-')
    const first = CARDINAL_WORDS[parts[0]!]
    if (parts.length < 2 || first === undefined || parts[0] === parts.at(-1)) return []
    const unit = CARDINAL_WORDS[parts[1]!]
    const tens = first >= 20 && first % 10 === 0 && unit !== undefined && unit < 10
    return [String(tens ? first + unit : first)]
  })
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
 * "miles" / "kilometres", and "150 pounds in kilograms" / "150 kilograms in pounds" (the same
 * number in another unit). A unit only one side names ("how long…" / "how many minutes…") is not
 * a swap.
 */
export function unitsDiffer(a: Fingerprint, b: Fingerprint): string | undefined {
  const ua = unitsOf(a.words)
  const ub = unitsOf(b.words)
  const kind = (u: string) => u.split(':')[0]
  const name = (u: string) => u.split(':')[1]
  const onlyA = [...ua.units].filter((u) => !ub.units.has(u))
  const onlyB = [...ub.units].filter((u) => !ua.units.has(u))
  for (const u of onlyA) {
    const v = onlyB.find((x) => kind(x) === kind(u))
    if (v !== undefined) return `${name(u)} vs ${name(v)}`
  }
  for (const [number, u] of ua.measured) {
    const v = ub.measured.find(([n, x]) => n === number && x !== u && kind(x) === kind(u))
    if (v !== undefined) return `${number} ${name(u)} vs ${number} ${name(v[1])}`
  }
  return undefined
}

/**
 * The units a question measures in, and the numbers written with a unit ("150 pounds"). A time
 * word counts when plural or after a number, "a" or "per" ("seconds", "a day"): "each day", "the
 * best month", "time of year" measure nothing.
 */
function unitsOf(tokens: readonly string[]): {
  units: Set<string>
  measured: [string, string][]
} {
  const words = tokens.flatMap((t) => t.split('-'))
  const units = new Set<string>()
  const measured: [string, string][] = []
  words.forEach((w, i) => {
    const unit = MEASUREMENT_UNITS.get(w)
    if (unit === undefined) return
    const before = words[i - 1] ?? ''
    const number = /^\d/.test(before) || NUMBER_WORDS[before] !== undefined
    if (number) measured.push([before, unit])
    if (
      !unit.startsWith('time:') ||
      w.endsWith('s') ||
      number ||
      /^(a|an|one|per|half|quarter)$/.test(before)
    )
      units.add(unit)
  })
  return { units, measured }
}

/** Question words that ask for different things; "what" and "which" can stand for any of them. */
const SPECIFIC_QUESTION_WORDS = new Set(['who', 'when', 'where', 'why', 'how'])

/**
 * The same question with another question word and nothing else changed but auxiliaries: "How did
 * Lincoln die?" / "When did Lincoln die?", "Who built…" / "When were … built?".
 */
export function questionWordSwapped(a: Fingerprint, b: Fingerprint): string | undefined {
  const onlyA = multisetMinus(a.words, b.words)
  const onlyB = multisetMinus(b.words, a.words)
  const changed = [...onlyA, ...onlyB]
  if (!changed.every((w) => SPECIFIC_QUESTION_WORDS.has(w) || AUXILIARIES.has(w))) return undefined
  const qa = onlyA.find((w) => SPECIFIC_QUESTION_WORDS.has(w))
  const qb = onlyB.find((w) => SPECIFIC_QUESTION_WORDS.has(w))
  return qa !== undefined && qb !== undefined ? `${qa} vs ${qb}` : undefined
}

const AUXILIARIES = new Set(
  `do does did is are was were can could should would will has have had`.split(' '),
)

/** A device or account switched the other way: "turn on" / "turn off", "log in" / "log out". */
export function switchFlipped(a: Fingerprint, b: Fingerprint): string | undefined {
  const state = (f: Fingerprint) => {
    const found = new Set<string>()
    f.words.forEach((w, i) => {
      const next = f.words[i + 1]
      if (SWITCH_VERBS.has(w) && next !== undefined && SWITCH_STATES.has(next))
        found.add(`${w} ${SWITCH_STATES.get(next)}`)
    })
    return found
  }
  const sa = state(a)
  const sb = state(b)
  for (const x of sa)
    for (const y of sb)
      if (x.split(' ')[0] === y.split(' ')[0] && x !== y && !sa.has(y) && !sb.has(x))
        return `${x} vs ${y}`
  return undefined
}

const SWITCH_VERBS = new Set(['turn', 'switch', 'power', 'log', 'sign', 'opt'])
const SWITCH_STATES = new Map([
  ['on', 'on'],
  ['off', 'off'],
  ['in', 'on'],
  ['out', 'off'],
  ['up', 'on'],
  ['down', 'off'],
])

/** `a` less one occurrence of each word of `b`. */
export function multisetMinus(a: readonly string[], b: readonly string[]): string[] {
  const left = new Map<string, number>()
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1)
  return a.filter((x) => {
    const k = left.get(x) ?? 0
    if (k > 0) left.set(x, k - 1)
    return k === 0
  })
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
