/**
 * Builds a WordPiece vocabulary that doubles as a light stemmer: whole words are mostly base forms
 * (WordNet lemmas and our corpus words that are not a known base plus a regular ending), and
 * endings exist as `##` pieces, so "proteins" → "protein ##s" and "cubed" → "cube ##d" share a
 * feature with their base word. Every lowercase ASCII letter, digit and punctuation mark has a
 * word-initial and a `##` piece, so any ASCII word tokenises without [UNK].
 */
import { SPECIAL_TOKENS } from './hf-folder.js'

export const SUFFIXES = [
  's',
  'es',
  'ed',
  'd',
  'ing',
  'er',
  'ers',
  'est',
  'ly',
  'ies',
  'ied',
  'ment',
  'ments',
  'ness',
  'tion',
  'tions',
  'sion',
  'al',
  'ally',
  'ic',
  'ics',
  'ical',
  'ism',
  'isms',
  'ist',
  'ists',
  'ity',
  'ities',
  'ive',
  'ous',
  'able',
  'ible',
  'less',
  'ful',
  'ize',
  'ise',
  'ized',
  'ised',
  'izing',
  'ising',
  'ation',
  'ations',
  'ology',
  'ologist',
  'ologists',
  'ological',
  'ian',
  'ians',
  'ure',
  'ance',
  'ence',
  'ant',
  'ent',
  'y',
  'e',
  'n',
  'en',
  'ory',
  'ary',
  'or',
  'ors',
]
const REGULAR_ENDINGS = ['s', 'es', 'ed', 'd', 'ing', 'er', 'ers', 'ly', 'ies', 'ied']
const PUNCTUATION = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~']

export interface VocabOptions {
  /** Base words with their corpus/lemma frequency. */
  words: Map<string, number>
  maxWords: number
  /** How many of the most frequent words also get a `##word` piece (compounds). */
  compoundPieces: number
  /** Extra single characters (other scripts) to cover with both piece kinds. */
  extraChars?: Iterable<string>
  /** Characters that are always words of their own (CJK ideographs): no `##` piece needed. */
  standaloneChars?: Iterable<string>
}

export function isReducible(word: string, bases: ReadonlySet<string>): boolean {
  for (const ending of REGULAR_ENDINGS) {
    if (word.length > ending.length + 2 && word.endsWith(ending)) {
      const stem = word.slice(0, -ending.length)
      if (bases.has(stem)) return true
      if (ending === 'ies' || ending === 'ied') {
        if (bases.has(`${stem}y`)) return true
      }
      if ((ending === 'ed' || ending === 'ing') && bases.has(`${stem}e`)) return true
      if (
        (ending === 'ed' || ending === 'ing') &&
        stem.length > 3 &&
        stem.at(-1) === stem.at(-2) &&
        bases.has(stem.slice(0, -1))
      )
        return true
    }
  }
  return false
}

export function buildVocab(opts: VocabOptions): string[] {
  const chars = new Set<string>([...'abcdefghijklmnopqrstuvwxyz0123456789', ...PUNCTUATION])
  for (const c of opts.extraChars ?? []) chars.add(c)
  const ranked = [...opts.words]
    .filter(([w]) => /^[a-z0-9]+$/.test(w))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  const bases = new Set(ranked.map(([w]) => w))
  const kept: string[] = []
  for (const [word] of ranked) {
    if (kept.length >= opts.maxWords) break
    if (word.length > 1 && !isReducible(word, bases)) kept.push(word)
  }
  const vocab = new Set<string>(SPECIAL_TOKENS)
  for (const c of chars) vocab.add(c)
  for (const c of chars) vocab.add(`##${c}`)
  for (const s of SUFFIXES) vocab.add(`##${s}`)
  for (const c of opts.standaloneChars ?? []) vocab.add(c)
  for (const w of kept) vocab.add(w)
  for (const w of kept.slice(0, opts.compoundPieces)) if (w.length > 3) vocab.add(`##${w}`)
  return [...vocab]
}

/** Lowercase alphanumeric words of a text (the same split BertPreTokenizer makes, roughly). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? []
}

/** Every character in the inclusive code point ranges. */
export function charRanges(ranges: readonly (readonly [number, number])[]): string[] {
  const out: string[] = []
  for (const [from, to] of ranges)
    for (let cp = from; cp <= to; cp++) out.push(String.fromCodePoint(cp))
  return out
}
