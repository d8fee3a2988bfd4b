/**
 * What a question says, reduced to the parts a cached answer depends on: its numbers, negation,
 * named things, operators and content words. Pure string work (tens of microseconds).
 */
import {
  CARDINAL_WORDS,
  IGNORED_WORDS,
  NEGATION_CUES,
  NUMBER_WORDS,
  OPERATOR_SYMBOLS,
  OPPOSITE_WORDS,
  ROMAN_NUMERALS,
  SYNONYMS,
} from './lexicon.js'

export interface Fingerprint {
  /** Every token, lower-cased (for "does the other text mention X"). */
  readonly tokens: ReadonlySet<string>
  /** Numbers normalised (digits, number words, roman numerals), in order of appearance. */
  readonly numbers: readonly string[]
  /** Negation cues found. */
  readonly negations: number
  /** Named things: capitalised or all-caps words, identifiers, quoted strings (lower-cased). */
  readonly entities: readonly string[]
  /** Operator symbols, sorted. */
  readonly operators: readonly string[]
  /** Opposite-pair words: group → sides used. */
  readonly opposites: ReadonlyMap<string, ReadonlySet<0 | 1>>
  /** Numbers and entities in order of appearance (for "from A to B" vs "from B to A"). */
  readonly sequence: readonly string[]
  /** Content words: stemmed, synonyms folded, framing words dropped. */
  readonly content: ReadonlySet<string>
  /** Raw lower-case words (for the asymmetric-marker check and negating prefixes). */
  readonly words: readonly string[]
  /** `x>y` for "x to y", "x into y", "x than y" and "y from x" (key words around the marker). */
  readonly directions: readonly string[]
  /** Entity → its capital letters when it has several (javascript → "js", postgresql → "psql"). */
  readonly capitals: ReadonlyMap<string, string>
}

const FORWARD_MARKERS = new Set(['to', 'into', 'than', 'towards', 'toward', 'before'])
const BACKWARD_MARKERS = new Set(['from', 'after'])

const QUOTED = /(?<![\p{L}\p{N}])(['"“‘])([^'"“”‘’\n]{2,80})(['"”’])(?![\p{L}\p{N}])/gu
// Words (with inner apostrophes, dots, pluses, hashes: c++, node.js, don't), numbers, operators.
const TOKEN =
  /[\p{L}_][\p{L}\p{N}_]*(?:['’.+#-][\p{L}\p{N}_+#]+)*(?:\+\+|#)?|\d+(?:[.,:]\d+)*%?|[+\-*/^=<>×÷%]|[.?!;:]/gu
const SENTENCE_END = new Set(['.', '?', '!', ';', ':'])

export function fingerprint(text: string): Fingerprint {
  const entities: string[] = []
  const sequence: string[] = []
  for (const m of text.matchAll(QUOTED)) {
    const quoted = m[2]!.trim().toLowerCase()
    entities.push(`"${quoted}"`)
    sequence.push(`"${quoted}"`)
  }
  const raw = mergeNumbers(
    expandContractions(spellOperators(text.replace(QUOTED, ' $2 '))).match(TOKEN) ?? [],
  )
  const tokens = new Set<string>()
  const numbers: string[] = []
  const operators: string[] = []
  const opposites = new Map<string, Set<0 | 1>>()
  const content = new Set<string>()
  const capitals = new Map<string, string>()
  const words: string[] = []
  /** Key word (number, entity or content stem) at each word position, or '' / a marker. */
  const keys: string[] = []
  let negations = 0
  let sentenceStart = true
  let previous = ''
  let previousStartsSentence = false

  for (const token of raw) {
    if (SENTENCE_END.has(token)) {
      sentenceStart = true
      continue
    }
    const lower = token.toLowerCase()
    tokens.add(lower)
    words.push(lower)
    const number = numberValue(token, previousStartsSentence ? '' : previous, sentenceStart)
    keys.push(FORWARD_MARKERS.has(lower) || BACKWARD_MARKERS.has(lower) ? lower : '')
    if (number !== undefined) {
      numbers.push(number)
      sequence.push(number)
      keys[keys.length - 1] = number
    } else if (OPERATOR_SYMBOLS.has(token)) {
      operators.push(token)
    } else if (NEGATION_CUES.has(lower)) {
      negations++
    } else {
      if (isEntity(token, sentenceStart)) {
        entities.push(lower)
        const caps = token.replace(/[^\p{Lu}]/gu, '')
        if (caps.length >= 2 && caps.length < token.length) capitals.set(lower, caps.toLowerCase())
        sequence.push(lower)
      }
      const folded = SYNONYMS.get(lower) ?? lower
      const opposite = OPPOSITE_WORDS.get(folded) ?? OPPOSITE_WORDS.get(lower)
      if (opposite !== undefined) {
        let sides = opposites.get(opposite.group)
        if (sides === undefined) opposites.set(opposite.group, (sides = new Set()))
        sides.add(opposite.side)
      }
      if (!IGNORED_WORDS.has(lower) && !IGNORED_WORDS.has(folded) && /\p{L}/u.test(lower)) {
        const stemmed = stem(folded)
        content.add(stemmed)
        keys[keys.length - 1] = stemmed
      }
    }
    previous = token
    previousStartsSentence = sentenceStart
    sentenceStart = false
  }
  return {
    tokens,
    numbers,
    negations,
    entities,
    operators: operators.sort(),
    opposites,
    sequence,
    content,
    words,
    directions: directionsOf(keys),
    capitals,
  }
}

/** For each direction marker, the nearest key word before and after it. */
function directionsOf(keys: readonly string[]): string[] {
  const out: string[] = []
  keys.forEach((key, i) => {
    const forward = FORWARD_MARKERS.has(key)
    if (!forward && !BACKWARD_MARKERS.has(key)) return
    const before = nearest(keys, i, -1)
    const after = nearest(keys, i, 1)
    if (before === undefined || after === undefined) return
    out.push(forward ? `${before}>${after}` : `${after}>${before}`)
  })
  return out
}

function nearest(keys: readonly string[], from: number, step: 1 | -1): string | undefined {
  for (let i = from + step; i >= 0 && i < keys.length; i += step) {
    const key = keys[i]!
    if (key !== '' && !FORWARD_MARKERS.has(key) && !BACKWARD_MARKERS.has(key)) return key
  }
  return undefined
}

/**
 * One way to write an operation: "to the power of" and "squared"/"cubed" are ^; the hyphen of
 * "10-year-old" is not a minus (a minus sign comes before a number, not a word).
 */
function spellOperators(text: string): string {
  return text
    .replace(/\b(?:raised\s+)?to\s+the\s+power\s+of\b/gi, ' ^ ')
    .replace(/\bsquared\b/gi, ' ^ 2')
    .replace(/\bcubed\b/gi, ' ^ 3')
    .replace(/(\d)-(?=\p{L})/gu, '$1 ')
}

/** "doesn't" → "does n't"; "what's", "I'm", "France's" lose the clitic (only function words). */
function expandContractions(text: string): string {
  return text
    .replace(/\b(can|won|ain)['’]t\b/gi, (_m, w: string) => `${w} n't`)
    .replace(/(\p{L})n['’]t\b/gu, "$1 n't")
    .replace(/(\p{L})['’](s|re|ve|ll|d|m)\b/gu, '$1')
}

function numberValue(token: string, previous: string, sentenceStart: boolean): string | undefined {
  if (/^\d/.test(token)) return token.replace(/,(?=\d{3}\b)/g, '')
  if (/^#\d+$/.test(token)) return token // an ordinal merged by mergeNumbers ("21st")
  const word = NUMBER_WORDS[token.toLowerCase()]
  if (word !== undefined) return word
  const roman = ROMAN_NUMERALS[token]
  if (roman === undefined) return undefined
  // "World War II" is a number; "I" is only a numeral right after a capitalised name ("War I"),
  // never after the first word of a sentence ("Can I", "Should I": the caller gives '' there).
  if (token !== 'I') return token.length >= 2 || /^[A-Z]/.test(previous) ? roman : undefined
  return !sentenceStart && /^[A-Z][a-z]/.test(previous) ? roman : undefined
}

function isEntity(token: string, sentenceStart: boolean): boolean {
  if (token === 'I') return false
  if (/^[A-Z0-9]{2,}$/.test(token) && /[A-Z]/.test(token)) return true // TCP, CSV, GPT4
  if (/\p{L}[\p{N}+#.]|[\p{N}]\p{L}/u.test(token) && /\p{L}/u.test(token)) return true // c++, x86
  return !sentenceStart && /^\p{Lu}/u.test(token) && !/^\p{Lu}+$/u.test(token.slice(1))
}

/** A light suffix stripper: enough to match "works/work", "spiders/spider", "summary/summarize". */
export function stem(word: string): string {
  let w = word.replace(/['’]s$/, '')
  if (w.length <= 3) return w
  // Inflection first (plural / third person), then one derivational suffix.
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`
  else if (/(ches|shes|sses|xes|zes)$/.test(w)) w = w.slice(0, -2)
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1)
  for (const [suffix, keep] of DERIVATIONAL) {
    if (w.endsWith(suffix) && w.length - suffix.length >= keep) {
      w = w.slice(0, -suffix.length)
      // "swimming" → "swimm" → "swim", "stopped" → "stop" (not "fall", "press", "buzz").
      if (/([^aeiouslz])\1$/.test(w)) w = w.slice(0, -1)
      break
    }
  }
  return w.length > 3 ? w.replace(/(e|y)$/, '') : w
}

const DERIVATIONAL: readonly (readonly [string, number])[] = [
  ['ization', 4],
  ['izing', 4],
  ['ized', 4],
  ['ize', 4],
  ['ised', 4],
  ['ise', 5],
  ['ing', 4],
  ['ed', 4],
  ['er', 4],
  ['ly', 4],
]

/** What number words multiply by (cardinals add: CARDINAL_WORDS). */
const SCALES: Readonly<Record<string, number>> = {
  dozen: 12,
  hundred: 100,
  thousand: 1e3,
  million: 1e6,
  billion: 1e9,
}
const DIGITS = /^\d+(?:\.\d+)?$/
const ORDINAL_SUFFIX = /^(st|nd|rd|th)$/i

/**
 * One token per number however it is written, so "10,000", "ten thousand" and "10k" are one and
 * the same number: runs of number words ("two hundred and five", "twenty-five", "a dozen"),
 * digits followed by a scale word or k ("10 thousand", "2 dozen", "10k"), and digits followed by
 * an ordinal suffix ("21st" → the ordinal #21, like "first" → #1) become digits. A single number
 * word stays as it is (numberValue maps it).
 */
export function mergeNumbers(tokens: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    const next = tokens[i + 1]?.toLowerCase()
    if (DIGITS.test(token) && next !== undefined) {
      const scale = next === 'k' ? 1e3 : SCALES[next]
      if (scale !== undefined) {
        out.push(String(+(Number(token) * scale).toPrecision(12)))
        i++
        continue
      }
      if (ORDINAL_SUFFIX.test(next) && !token.includes('.')) {
        out.push(`#${Number(token)}`)
        i++
        continue
      }
    }
    const ordinal = hyphenatedOrdinal(token.toLowerCase())
    if (ordinal !== undefined) {
      out.push(ordinal)
      continue
    }
    const run = numberWordRun(tokens, i)
    if (run !== undefined && (run.length > 1 || token.includes('-'))) {
      out.push(String(run.value))
      i += run.length - 1
      continue
    }
    out.push(token)
  }
  return out
}

/** The number spelled by the words from `start` on, and how many tokens it takes. */
function numberWordRun(
  tokens: readonly string[],
  start: number,
): { value: number; length: number } | undefined {
  let total = 0
  let current = 0
  let length = 0
  let any = false
  for (let i = start; i < tokens.length; i++) {
    const lower = tokens[i]!.toLowerCase()
    const parts = lower.split('-')
    const article = (lower === 'a' || lower === 'an') && !any
    if (article && SCALES[tokens[i + 1]?.toLowerCase() ?? ''] !== undefined) {
      current = 1
      length++
      continue
    }
    // "one hundred and five": "and" joins only when a number word follows.
    if (
      lower === 'and' &&
      any &&
      CARDINAL_WORDS[tokens[i + 1]?.toLowerCase() ?? ''] !== undefined
    ) {
      length++
      continue
    }
    if (!parts.every((p) => CARDINAL_WORDS[p] !== undefined || SCALES[p] !== undefined)) break
    for (const p of parts) {
      const unit = CARDINAL_WORDS[p]
      if (unit !== undefined) current += unit
      else {
        const scale = SCALES[p]!
        if (scale >= 1000) {
          total += Math.max(1, current) * scale
          current = 0
        } else current = Math.max(1, current) * scale
      }
    }
    any = true
    length++
  }
  return any ? { value: total + current, length } : undefined
}

/** "twenty-first" → "#21". */
function hyphenatedOrdinal(word: string): string | undefined {
  const [tens, last, ...rest] = word.split('-')
  const ordinal = NUMBER_WORDS[last ?? '']
  const base = CARDINAL_WORDS[tens ?? '']
  if (rest.length > 0 || base === undefined || !ordinal?.startsWith('#')) return undefined
  return `#${base + Number(ordinal.slice(1))}`
}
