/**
 * PERSON without a neural model: capitalised words that look like names AND some evidence —
 *  1. an honorific before them ("Dr. Alan Whitfield", "Mrs. Patel")                     0.90
 *  2. a known given name followed by one or two capitalised words ("Grace Liu")          0.85
 *  3. an introduction cue ("my name is", "I'm", "this is ... from", "call me", "Dear")   0.85/0.80
 *  4. a known given name on its own, not at the start of a sentence                      0.60
 * Given names and surnames come from name-lists.json (compromise's lexicon plus our list; see
 * training/guards/build-name-lists.ts). Spans never include the honorific. Place and
 * organisation words after a name ("Virginia Beach", "Morgan Stanley", "Ford Motor") cancel it.
 */
import type { PiiEntity } from '../../types.js'
import { FIRST_NAMES as FIRST, GROUPS, PLACES, SURNAMES as LAST, foldAccents } from '../lexicon.js'
import { NOT_ADDRESSED } from './lone-name.js'
import { entity, type Recognizer } from './types.js'

const NAME = `\\p{Lu}\\p{Ll}+(?:[-'’]\\p{L}\\p{Ll}+)?|Mc\\p{Lu}\\p{Ll}+|O'\\p{Lu}\\p{Ll}+`
const INITIAL = `\\p{Lu}\\.`
const FULL_NAME = `(?:${NAME})(?: (?:${INITIAL}|${NAME})){0,2}`
const HONORIFIC_RE = new RegExp(
  `\\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Rev|Reverend|Capt|Captain|Sgt|Sergeant|Judge|Officer|Detective|Lady|Lord)\\.? (${FULL_NAME})`,
  'gu',
)
const CANDIDATE_RE = new RegExp(`(?<![\\p{L}'’-])(${NAME})((?: (?:${INITIAL}|${NAME})){1,2})`, 'gu')
const CUE_RE = new RegExp(
  `\\b(?:my name is|my name's|name:|i am|i'm|im|this is|call me|named|called|signed|regards,|thanks,|cheers,|sincerely,|dear|hi|hello|hey|patient|customer|client|employee|applicant|candidate|contact|ask|from|by|with|to|for|cc|attn:?) (${FULL_NAME})`,
  'giu',
)
const STRONG_CUE =
  /^(?:my name is|my name's|name:|call me|named|signed|dear|i'm|i am|im|this is)\b/i
const SINGLE_RE = new RegExp(`(?<![\\p{L}'’-])(${NAME})(?![\\p{L}'’-])`, 'gu')

/** Words that end a name (capitalised for other reasons): places, organisations, calendar. */
const NOT_NAME = new Set(
  `january february march april may june july august september october november december monday
  tuesday wednesday thursday friday saturday sunday street avenue road boulevard lane drive court
  place terrace way parkway circle highway square trail beach city county state river lake mountain
  island valley park bay springs falls heights hills creek port harbor harbour station airport center
  centre hall museum church school college university hospital hotel inc corp corporation llc ltd co
  company bank group institute foundation motors sachs stanley chase fargo schwab partners capital
  holdings airlines airways systems technologies labs studios records press media news times post
  journal the and of i it this that we you they he she my our your his her its their a an in on at
  to for from with by as is are was were be please thanks hello hi dear yes no ok okay english
  french german spanish italian chinese japanese american british canadian indian russian python
  java rust javascript typescript linux windows android iphone google microsoft apple amazon tesla
  ford toyota dell`.split(/\s+/),
)
/** Famous organisations whose names are person names. */
const ORG_NAMES = new Set([
  'morgan stanley',
  'goldman sachs',
  'wells fargo',
  'charles schwab',
  'jp morgan',
  'harley davidson',
  'louis vuitton',
  'calvin klein',
  'tommy hilfiger',
  'ralph lauren',
  'johnson controls',
  'dean foods',
  'john deere',
  'estee lauder',
  'marks spencer',
  'ernst young',
  'ben jerry',
  'hugo boss',
  'kate spade',
])
const ORG_AFTER =
  /^(?:,? (?:Inc|Corp|LLC|Ltd|Co|Company|Group|Bank|Motors|& (?:Co|Sons|Partners|\p{Lu}\p{Ll}+)|and Company|Foundation|University|Institute))\b/u

const lower = (s: string): string => s.toLowerCase()
const isNameWord = (w: string): boolean => !NOT_NAME.has(lower(w))

function atSentenceStart(text: string, index: number): boolean {
  const prefix = text.slice(Math.max(0, index - 3), index)
  return index === 0 || /(?:^|[.!?:;\n"“(]\s*)$/.test(prefix)
}

/** Trim trailing words that are not name-like; returns the kept words. */
function nameWords(value: string): string[] {
  const words = value.split(' ')
  while (words.length > 0 && !isNameWord(words[words.length - 1]!.replace(/\.$/, ''))) words.pop()
  return words
}

function isOrg(text: string, start: number, value: string): boolean {
  const key = lower(value)
    .replace(/[^a-z ]/g, '')
    .replace(/ +/g, ' ')
  return ORG_NAMES.has(key) || ORG_AFTER.test(text.slice(start + value.length))
}

export const personRecognizer: Recognizer = {
  name: 'person',
  types: ['PERSON'],
  find(text) {
    const out: PiiEntity[] = []
    const add = (start: number, value: string, confidence: number, source: string): void => {
      // The cue regexes are case-insensitive; the name itself must be capitalised words.
      const capitalised = value.split(' ')
      const firstLower = capitalised.findIndex((w) => !/^\p{Lu}/u.test(w))
      const words = nameWords(firstLower < 0 ? value : capitalised.slice(0, firstLower).join(' '))
      if (words.length === 0 || !isNameWord(words[0]!)) return
      const kept = words.join(' ')
      const folded = foldAccents(kept)
      // "I'm Sikh", "Dear Santa", "in Florence": a group, an addressee word or a place is not a person.
      if (words.length === 1 && (NOT_ADDRESSED.has(folded) || GROUPS.phrases.has(folded))) return
      if (PLACES.phrases.has(folded) && source !== 'honorific') return
      if (isOrg(text, start, kept)) return
      out.push(entity('PERSON', text, start, start + kept.length, confidence, source))
    }
    for (const m of text.matchAll(HONORIFIC_RE)) {
      const value = m[1]!
      add(m.index + m[0].length - value.length, value, 0.9, 'honorific')
    }
    // Manual exec loop: when a capitalised word is not a given name ("Reach Isabel Costa"), retry
    // from the next word instead of skipping the whole run.
    const candidates = new RegExp(CANDIDATE_RE)
    for (let m = candidates.exec(text); m; m = candidates.exec(text)) {
      const [whole, first = '', rest = ''] = m
      if (!FIRST.has(lower(first))) {
        candidates.lastIndex = m.index + first.length + 1
        continue
      }
      const tail = rest.trim().split(' ')
      const surname = tail[0] ?? ''
      if (!isNameWord(surname)) continue
      const known = LAST.has(lower(surname))
      add(m.index, whole, known ? 0.9 : 0.85, 'given_name')
    }
    for (const m of text.matchAll(CUE_RE)) {
      const value = m[1]!
      const start = m.index + m[0].length - value.length
      const cue = m[0].slice(0, m[0].length - value.length).trim()
      const strong = STRONG_CUE.test(cue)
      const multi = value.includes(' ')
      if (!strong && !(multi && FIRST.has(lower(value.split(' ')[0]!)))) continue
      add(start, value, multi ? 0.85 : 0.8, 'introduction')
    }
    for (const m of text.matchAll(SINGLE_RE)) {
      const value = m[1]!
      if (!FIRST.has(lower(value)) || !isNameWord(value) || atSentenceStart(text, m.index)) continue
      add(m.index, value, 0.6, 'given_name_only')
    }
    return out
  },
}
