/**
 * Features of a (query, cached question) pair for the learned verifier:
 *
 *  - the hand-written checks, graded: a number swapped for another weighs differently from a
 *    number only one side has ("one" for "a"), "not" differently from "without";
 *  - what kind of answer each side asks for (who / when / where / why / how many / yes-no);
 *  - the content words one side has and the other does not, after exact, stem, synonym and
 *    WordNet matches: how many, how rare, nouns or not, framing words or not, and the closest
 *    pair across the sides — its word-vector similarity and WordNet relation (a sibling such as
 *    "cat"/"dog" is a different request, a synonym is not);
 *  - how well each side's words are covered by the other's vectors, and the similarity of the two
 *    mean word vectors.
 *
 * Every feature belongs to a group named like the rejection reasons, so a configuration switch
 * (`verification.numbers: false`) neutralises its group and a rejection can name its main cause.
 */
import type { Analysis, ContentWord } from './analysis.js'
import { FUNCTION_WORDS } from './lexicon.js'
import {
  multisetMinus,
  negationDiffers,
  operatorsDiffer,
  orderDiffers,
  unmatchedEntities,
  type CheckSwitches,
} from './rules.js'
import type { WordTable } from '../../ml/word-table.js'
import {
  POS_ADJ,
  POS_ADV,
  POS_NOUN,
  POS_VERB,
  type WordNetLexicon,
  type WordRelation,
} from './wordnet-lexicon.js'
import { dot } from '../../embeddings/types.js'

export type FeatureGroup =
  'numbers' | 'negation' | 'entities' | 'operators' | 'order' | 'content_words'

/** Feature name → group, in the order of the feature vector. */
export const FEATURES: readonly (readonly [string, FeatureGroup])[] = [
  ['number_swapped', 'numbers'],
  ['number_one_sided', 'numbers'],
  ['digits_one_sided', 'numbers'],
  ['numbers_missing', 'numbers'],
  ['negation_word_flipped', 'negation'],
  ['negation_differs', 'negation'],
  ['entity_swapped', 'entities'],
  ['entities_unmatched', 'entities'],
  ['opposite_flipped', 'operators'],
  ['opposite_one_sided', 'operators'],
  ['operator_symbols_differ', 'operators'],
  ['order_differs', 'order'],
  ['asks_other_kind', 'content_words'],
  ['asks_kind_changed', 'content_words'],
  ['only_query_words', 'content_words'],
  ['only_cached_words', 'content_words'],
  ['only_framing_words', 'content_words'],
  ['swapped_word', 'content_words'],
  ['swap_similarity', 'content_words'],
  ['swap_sibling', 'content_words'],
  ['swap_hypernym', 'content_words'],
  ['swap_unrelated', 'content_words'],
  ['antonym_pair', 'content_words'],
  ['unmatched_rarity_max', 'content_words'],
  ['unmatched_rarity_sum', 'content_words'],
  ['unmatched_nouns', 'content_words'],
  ['unmatched_adjectives', 'content_words'],
  ['unmatched_adverbs', 'content_words'],
  ['unmatched_verbs', 'content_words'],
  ['unmatched_unknown', 'content_words'],
  ['coverage_mean', 'content_words'],
  ['coverage_min', 'content_words'],
  ['meaning_cosine', 'content_words'],
  ['centred_cosine', 'content_words'],
  ['uncovered_mass', 'content_words'],
  ['uncovered_max', 'content_words'],
  ['shared_word_ratio', 'content_words'],
  ['changed_words', 'content_words'],
  ['function_words_changed', 'content_words'],
  ['shared_words_reordered', 'order'],
  ['relation_marker', 'order'],
]

/** Feature values when a group is switched off: what two agreeing questions would show. */
const AGREEING: Readonly<Record<string, number>> = {
  coverage_mean: 1,
  coverage_min: 1,
  meaning_cosine: 1,
  centred_cosine: 1,
  shared_word_ratio: 1,
}

const STRONG_NEGATIONS = new Set(['not', "n't", 'never', 'no', 'none', 'nothing', 'cannot'])

export interface FeatureContext {
  readonly table: WordTable
  readonly wordnet: Pick<WordNetLexicon, 'relation' | 'pos'>
  /** What every question's mean word vector shares (training/cache-verifier/background.ts). */
  readonly background: { readonly centre: Float32Array; readonly component: Float32Array }
}

export function pairFeatures(
  a: Analysis,
  b: Analysis,
  ctx: FeatureContext,
  switches: CheckSwitches,
): Float64Array {
  const values = {
    ...symbolic(a, b),
    ...askedKind(a, b),
    ...contentWords(a, b, withRelationMemo(ctx)),
    ...overlap(a, b),
  } as Record<string, number>
  const off = new Set<FeatureGroup>()
  if (!switches.numbers) off.add('numbers')
  if (!switches.negation) off.add('negation')
  if (!switches.entities) off.add('entities')
  if (!switches.operators) off.add('operators').add('order')
  if (!switches.content_words) off.add('content_words')
  return Float64Array.from(FEATURES, ([name, group]) =>
    off.has(group) ? agreeingValue(name) : values[name]!,
  )
}

/**
 * The context with WordNet relations remembered for one pair of questions: the content-word
 * features ask for the same (symmetric) relation up to three times per pair of words.
 */
function withRelationMemo(ctx: FeatureContext): FeatureContext {
  const seen = new Map<string, WordRelation>()
  const { wordnet } = ctx
  return {
    ...ctx,
    wordnet: {
      pos: (word) => wordnet.pos(word),
      relation(x, y) {
        const key = x < y ? `${x}\u0000${y}` : `${y}\u0000${x}`
        let r = seen.get(key)
        if (r === undefined) seen.set(key, (r = wordnet.relation(x, y)))
        return r
      },
    },
  }
}

/** A feature's value for two questions that agree on everything it looks at. */
export function agreeingValue(name: string): number {
  return AGREEING[name] ?? 0
}

function symbolic(a: Analysis, b: Analysis) {
  const fa = a.fingerprint
  const fb = b.fingerprint
  const onlyA = multisetMinus(fa.numbers, fb.numbers)
  const onlyB = multisetMinus(fb.numbers, fa.numbers)
  const digits = (xs: string[]) => xs.some((x) => /^\d/.test(x))
  const entities = unmatchedEntities(fa, fb)
  const entA = entities.filter((e) => fa.entities.includes(e))
  const entB = entities.filter((e) => fb.entities.includes(e) && !fa.entities.includes(e))
  let flipped = 0
  let oneSided = 0
  for (const group of new Set([...fa.opposites.keys(), ...fb.opposites.keys()])) {
    const sa = fa.opposites.get(group)
    const sb = fb.opposites.get(group)
    if (sa && sb) flipped ||= [...sa].sort().join() !== [...sb].sort().join() ? 1 : 0
    else oneSided++
  }
  flipped ||= pairFlip(withNoAsWithout(a.words), withNoAsWithout(b.words), ['with'], ['without'])
  flipped ||= pairFlip(a.words, b.words, ['up', 'rise', 'rising'], ['down', 'fall', 'falling'])
  return {
    number_swapped: onlyA.length > 0 && onlyB.length > 0 ? 1 : 0,
    number_one_sided: onlyA.length > 0 !== onlyB.length > 0 ? 1 : 0,
    digits_one_sided: digits(onlyA) !== digits(onlyB) ? 1 : 0,
    // Several numbers on one side and none on the other: a calculation vs a question about words.
    numbers_missing:
      (fa.numbers.length >= 2 && fb.numbers.length === 0) ||
      (fb.numbers.length >= 2 && fa.numbers.length === 0)
        ? 1
        : 0,
    negation_word_flipped: strongNegations(a) !== strongNegations(b) ? 1 : 0,
    negation_differs: negationDiffers(fa, fb) ? 1 : 0,
    entity_swapped: entA.length > 0 && entB.length > 0 ? 1 : 0,
    entities_unmatched: Math.min(3, entities.length),
    opposite_flipped: flipped,
    opposite_one_sided: Math.min(3, oneSided),
    operator_symbols_differ: fa.operators.join() !== fb.operators.join() ? 1 : 0,
    order_differs: orderDiffers(fa, fb) && !operatorsDiffer(fa, fb) ? 1 : 0,
  }
}

function askedKind(a: Analysis, b: Analysis) {
  const shared = [...a.intents].filter((k) => b.intents.has(k)).length
  const both = a.intents.size > 0 && b.intents.size > 0
  return {
    asks_other_kind: both && shared === 0 ? 1 : 0,
    asks_kind_changed: a.intents.size + b.intents.size - 2 * shared > 0 ? 1 : 0,
  }
}

function contentWords(a: Analysis, b: Analysis, ctx: FeatureContext) {
  const restA = unexplained(a, b, ctx)
  const restB = unexplained(b, a, ctx)
  const realA = restA.filter((w) => !w.framing)
  const realB = restB.filter((w) => !w.framing)
  let similarity = 0
  let relation: WordRelation = 'none'
  let antonyms = 0
  for (const x of realA)
    for (const y of realB) {
      const r = ctx.wordnet.relation(x.word, y.word)
      if (r === 'antonym') antonyms = 1
      const s = x.row >= 0 && y.row >= 0 ? ctx.table.cosine(x.row, y.row) : 0
      if (s > similarity) [similarity, relation] = [s, r]
    }
  const real = [...realA, ...realB]
  const pos = real.map((w) => ctx.wordnet.pos(w.word))
  const coverA = coverage(a, b, ctx)
  const coverB = coverage(b, a, ctx)
  const covered = [...coverA, ...coverB].map((c) => c.cover)
  // Each word's shortfall from its best match on the other side, weighted by how rare it is: a
  // rare word with no counterpart is what makes two similar questions different requests.
  const shortfall = [...coverA, ...coverB].map((c) => c.rarity * (1 - c.cover))
  return {
    only_query_words: Math.min(5, realA.length),
    only_cached_words: Math.min(5, realB.length),
    only_framing_words: Math.min(5, restA.length + restB.length - real.length),
    swapped_word: realA.length > 0 && realB.length > 0 ? 1 : 0,
    swap_similarity: similarity,
    swap_sibling: relation === 'sibling' ? 1 : 0,
    swap_hypernym: relation === 'hypernym' ? 1 : 0,
    swap_unrelated: relation === 'none' || relation === 'unknown' ? 1 : 0,
    antonym_pair: antonyms,
    unmatched_rarity_max: Math.max(0, ...real.map((w) => w.rarity)),
    unmatched_rarity_sum: real.reduce((s, w) => s + w.rarity, 0),
    unmatched_nouns: Math.min(4, pos.filter((p) => p & POS_NOUN && !(p & POS_VERB)).length),
    unmatched_adjectives: Math.min(4, pos.filter((p) => p & POS_ADJ).length),
    unmatched_adverbs: Math.min(4, pos.filter((p) => p & POS_ADV && !(p & POS_NOUN)).length),
    unmatched_verbs: Math.min(4, pos.filter((p) => p & POS_VERB && !(p & POS_NOUN)).length),
    unmatched_unknown: Math.min(3, pos.filter((p) => p === 0).length),
    coverage_mean: covered.length ? covered.reduce((s, c) => s + c, 0) / covered.length : 1,
    coverage_min: covered.length ? Math.min(...covered) : 1,
    meaning_cosine: dot(a.meaning, b.meaning),
    centred_cosine: centredCosine(a.meaning, b.meaning, ctx.background),
    uncovered_mass: Math.min(
      5,
      shortfall.reduce((s, x) => s + x, 0),
    ),
    uncovered_max: Math.max(0, ...shortfall),
  }
}

function overlap(a: Analysis, b: Analysis) {
  const common = lcsLength(a.words, b.words)
  const changed = [...multisetMinus(a.words, b.words), ...multisetMinus(b.words, a.words)]
  const sharedA = a.content.filter((w) => b.keys.has(w.key)).map((w) => w.key)
  const sharedB = b.content.filter((w) => a.keys.has(w.key)).map((w) => w.key)
  return {
    shared_word_ratio: (2 * common) / Math.max(1, a.words.length + b.words.length),
    changed_words: Math.min(20, a.words.length + b.words.length - 2 * common),
    function_words_changed: Math.min(
      4,
      changed.filter((w) => FUNCTION_WORDS.has(w) && !INTERCHANGEABLE.has(w)).length,
    ),
    shared_words_reordered:
      lcsLength(sharedA, sharedB) < Math.min(sharedA.length, sharedB.length) ? 1 : 0,
    relation_marker: [...a.words, ...b.words].some((w) => RELATION_MARKERS.has(w)) ? 1 : 0,
  }
}

/** Function words two wordings of one request swap freely ("how do I" / "how can you"). */
const INTERCHANGEABLE = new Set(
  `do does did can could would should will shall may might must i you we one me my your our us a an
  the this that these those some any is are was were be am in with using on by via at it its`.split(
    /\s+/,
  ),
)

/** Words that relate two things, so swapping those things changes the request. */
const RELATION_MARKERS = new Set(
  `to from into than instead after before versus vs over under against per`.split(/\s+/),
)

/** Content words of `self` that `other` has neither as such nor as a synonym or related form. */
function unexplained(self: Analysis, other: Analysis, ctx: FeatureContext): ContentWord[] {
  return self.content.filter(
    (w) => !other.keys.has(w.key) && !other.content.some((o) => isEquivalent(ctx, w.word, o.word)),
  )
}

/**
 * For each non-framing content word: 1 if the other side has it or a WordNet synonym or related
 * form of it, else its best word-vector cosine to the other side's content words; and its rarity.
 */
function coverage(
  self: Analysis,
  other: Analysis,
  ctx: FeatureContext,
): { cover: number; rarity: number }[] {
  return self.content
    .filter((w) => !w.framing)
    .map((w) => {
      if (other.keys.has(w.key) || other.content.some((o) => isEquivalent(ctx, w.word, o.word)))
        return { cover: 1, rarity: w.rarity }
      let best = 0
      if (w.row >= 0)
        for (const o of other.content)
          if (o.row >= 0) best = Math.max(best, ctx.table.cosine(w.row, o.row))
      return { cover: Math.max(0, best), rarity: w.rarity }
    })
}

function isEquivalent(ctx: FeatureContext, x: string, y: string): boolean {
  const r = ctx.wordnet.relation(x, y)
  return r === 'synonym' || r === 'related'
}

/** 1 when one side uses only words of `x` and the other only words of `y` (with / without). */
function pairFlip(a: readonly string[], b: readonly string[], x: string[], y: string[]): number {
  const side = (ws: readonly string[]) => {
    const hasX = ws.some((w) => x.includes(w))
    const hasY = ws.some((w) => y.includes(w))
    return hasX === hasY ? 0 : hasX ? 1 : 2
  }
  const sa = side(a)
  const sb = side(b)
  return sa !== 0 && sb !== 0 && sa !== sb ? 1 : 0
}

function strongNegations(a: Analysis): number {
  return (
    withNoAsWithout(a.words).filter((w) => STRONG_NEGATIONS.has(w) || w.endsWith("n't")).length % 2
  )
}

/** "with no money" says what "without money" says: neither is a negated question. */
function withNoAsWithout(words: readonly string[]): readonly string[] {
  if (!words.includes('no')) return words
  const out: string[] = []
  for (let i = 0; i < words.length; i++) {
    if (words[i] === 'with' && words[i + 1] === 'no') {
      out.push('without')
      i++
    } else out.push(words[i]!)
  }
  return out
}

function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Uint16Array(b.length + 1)
  let cur = new Uint16Array(b.length + 1)
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++)
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!)
    ;[prev, cur] = [cur, prev]
  }
  return prev[b.length]!
}

/** Cosine of two mean vectors after removing their background (0 when either is empty). */
function centredCosine(
  x: Float32Array,
  y: Float32Array,
  { centre, component }: FeatureContext['background'],
): number {
  const known = (v: Float32Array) => v.some((e) => e !== 0)
  if (!known(x) || !known(y)) return 0
  const remove = (v: Float32Array) => {
    const out = v.map((e, d) => e - centre[d]!)
    const along = dot(out, component)
    for (let d = 0; d < out.length; d++) out[d] = out[d]! - along * component[d]!
    return out
  }
  const cx = remove(x)
  const cy = remove(y)
  const n = Math.sqrt(dot(cx, cx) * dot(cy, cy))
  return n > 0 ? dot(cx, cy) / n : 0
}
