/**
 * The word lists behind the name, place, group and organisation recognizers, loaded once from
 * name-lists.json (built by training/guards/build-name-lists.ts). Keys are lower case; places,
 * groups and organisations may be several words and are also indexed without accents.
 */
import names from './name-lists.json' with { type: 'json' }

export const FIRST_NAMES: ReadonlySet<string> = new Set(names.first.split(' '))
export const SURNAMES: ReadonlySet<string> = new Set(names.last.split(' '))
/** Everyday English words (WordNet), given names excluded. */
export const COMMON_WORDS: ReadonlySet<string> = new Set(names.common.split(' '))

export function foldAccents(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
}

/** A phrase table: lower-cased, accent-folded phrases and the longest phrase length in words. */
export interface PhraseTable {
  readonly phrases: ReadonlySet<string>
  readonly maxWords: number
}

function phraseTable(list: string): PhraseTable {
  const phrases = new Set<string>()
  let maxWords = 1
  for (const p of list.split('|')) {
    if (p === '') continue
    const key = foldAccents(p)
    phrases.add(key)
    maxWords = Math.max(maxWords, key.split(' ').length)
  }
  return { phrases, maxWords }
}

export const PLACES = phraseTable(names.places)
export const GROUPS = phraseTable(names.groups)
export const ORGS = phraseTable(names.orgs)
