/**
 * GPE (countries, cities, states), NRP (nationalities, religious and political groups) and
 * ORGANIZATION, found from word lists (lexicon.ts) plus context:
 *  - a place that is also an everyday word or a given name ("Turkey", "Nice", "Victoria") needs a
 *    location word before it ("in", "from", "to", "visit" ...); lower-case words never count, except
 *    the all-caps abbreviations US, UK, USA;
 *  - a group word counts when it describes people: after "I am", "is", "as a", "voted" ..., before
 *    a person noun ("my Korean grandmother", "Filipino nurse"), or in the plural ("Buddhists"); so
 *    languages ("translate into German"), food ("French fries") and ideas ("the Christian concept")
 *    are not reported;
 *  - an organisation is a listed name, or capitalised words ending in an organisation word
 *    ("Brightwater Logistics Ltd", "Riverside Dental Clinic"), or "University/Bank/Ministry of X".
 */
import type { PiiEntity } from '../../types.js'
import { COMMON_WORDS, FIRST_NAMES, GROUPS, ORGS, PLACES, foldAccents } from '../lexicon.js'
import { before, entity, type Recognizer } from './types.js'

const WORD_RE = /[\p{L}\p{N}][\p{L}\p{N}'’.&-]*/gu
interface Token {
  readonly text: string
  readonly start: number
  readonly end: number
}

function tokenize(text: string): Token[] {
  const out: Token[] = []
  for (const m of text.matchAll(WORD_RE)) {
    let t = m[0]
    while (
      /[.'’-]$/.test(t) &&
      !/^(?:[A-Z]\.)+$/.test(t) &&
      !/^(?:St|Dr|Mt|Inc|Co|Ltd|Corp)\.$/.test(t)
    )
      t = t.slice(0, -1)
    out.push({ text: t, start: m.index, end: m.index + t.length })
  }
  return out
}

const isCap = (w: string): boolean => /^\p{Lu}/u.test(w)
const CONNECTORS = new Set([
  'of',
  'de',
  'da',
  'do',
  'del',
  'la',
  'le',
  'los',
  'las',
  'and',
  '&',
  'upon',
  'on',
  'es',
  'al',
  'el',
])

/** Longest listed phrase starting at token i whose words are capitalised (connectors aside). */
function longestPhrase(
  tokens: readonly Token[],
  i: number,
  table: typeof PLACES,
  plural = false,
): number {
  let best = 0
  let key = ''
  for (let n = 1; n <= table.maxWords && i + n <= tokens.length; n++) {
    const w = tokens[i + n - 1]!.text
    if (n > 1 && !isCap(w) && !CONNECTORS.has(w.toLowerCase())) break
    if (n > 1 && tokens[i + n - 1]!.start - tokens[i + n - 2]!.end !== 1) break
    key = n === 1 ? foldAccents(w) : `${key} ${foldAccents(w)}`
    if (table.phrases.has(key)) best = n
    else if (plural && /s$/.test(key) && table.phrases.has(key.slice(0, -1))) best = n
  }
  return best
}

const LOCATION_CUE =
  /\b(?:in|from|to|at|near|visit|visiting|visited|across|around|outside|inside|into|via|through|towards|toward|between|and|of|live|lives|living|moved|moving|born|based|flight|flights|fly|flying|trip|travel|travelling|traveling)\s+(?:the\s+)?$/i
/** "Victoria Falls", "Berlin Wall", "Amazon River": a landmark named after a place. */
const GEO_FEATURE =
  /^ (?:Falls|River|Wall|Lake|Mountains?|Mount|Sea|Bay|Gulf|Desert|Valley|Canal|Bridge|Street|Road|Avenue|Park|Square|Station|Airport|Treaty|Conference|Accords?|Agreement|Convention)\b/
const ABBREVIATIONS = new Set(['US', 'USA', 'UK', 'U.S.', 'U.K.', 'U.S.A.', 'UAE', 'EU'])

const PERSON_NOUN =
  /^\s+(?:\p{Ll}+\s+)?(?:man|men|woman|women|guy|guys|girl|girls|boy|boys|kid|kids|child|children|people|person|persons|friend|friends|family|families|grandmother|grandfather|grandma|grandpa|mother|father|mom|mum|dad|parents?|wife|husband|partner|boyfriend|girlfriend|son|daughter|brother|sister|cousin|uncle|aunt|boss|colleague|colleagues|coworkers?|neighbou?rs?|guests?|citizens?|nationals?|students?|nurse|doctor|teacher|engineer|workers?|employees?|immigrants?|refugees?|retiree|voters?|patients?|community|communities|descent|origin|heritage|background|ancestry|roots|passport|customers?|tourists?|expats?|author|writer|artist|player|couple|classmates?|roommates?|landlord|tenant)\b/u
const GROUP_CUE =
  /\b(?:am|i'm|i’m|im|is|are|was|were|be|being|he's|she's|we're|they're|you're|as an?|voted|vote|votes|fellow|proud|devout|practising|practicing|registered|lifelong|born|half|non-practising)\s+(?:(?:an?|proud|devout|practising|practicing|registered|lifelong|committed|secular|conservative|liberal|orthodox|born|fellow)\s+)*$/i

const ORG_END = new Set(
  `inc inc. ltd ltd. llc llp plc corp corp. corporation company co co. group bank hospital clinic
  university college institute foundation trust association society council ministry agency
  insurance logistics trading partners solutions technologies systems labs laboratories foods
  catering shipping telecom court union fitness airlines airways gmbh ag sa as nv bv pty holdings
  consulting capital ventures pharmaceuticals motors industries enterprises studios media press
  church school academy federation committee department authority services manufacturing`
    .split(/\s+/)
    .filter(Boolean),
)
const NOT_A_FIRM =
  /^ (?:river|rainforest|basin|jungle|forest|pie|juice|tree|trees|fruit|seeds?|cider)\b/
const ORG_OF =
  /^(?:University|Bank|Ministry|Department|Institute|College|Museum|Church|Academy|Federation|Council|Board)$/

export const gazetteerRecognizer: Recognizer = {
  name: 'gazetteer',
  types: ['GPE', 'NRP', 'ORGANIZATION'],
  find(text) {
    const out: PiiEntity[] = []
    const tokens = tokenize(text)
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!
      if (!isCap(t.text)) continue
      const span = (n: number): [number, number] => [t.start, tokens[i + n - 1]!.end]
      const prefix = before(text, t.start, 30)

      const org = organisationAt(text, tokens, i)
      if (org > 0) {
        const [s, e] = span(org)
        out.push(entity('ORGANIZATION', text, s, e, 0.85, 'organisation'))
      }

      const place = longestPhrase(tokens, i, PLACES)
      if (place > 0) {
        const lower = foldAccents(t.text)
        const ambiguous =
          place === 1 && (COMMON_WORDS.has(lower) || FIRST_NAMES.has(lower) || lower.length < 3)
        const abbreviation = ABBREVIATIONS.has(t.text)
        const isAllCapsWord = /^[A-Z.]+$/.test(t.text) && !abbreviation
        const feature = GEO_FEATURE.test(
          text.slice(tokens[i + place - 1]!.end, tokens[i + place - 1]!.end + 15),
        )
        if (
          !isAllCapsWord &&
          !feature &&
          (!ambiguous || LOCATION_CUE.test(prefix) || abbreviation)
        ) {
          const [s, e] = span(place)
          out.push(entity('GPE', text, s, e, 0.85, 'place'))
        }
      }

      const group = longestPhrase(tokens, i, GROUPS, true)
      if (group > 0) {
        const [s, e] = span(group)
        const plural = !GROUPS.phrases.has(foldAccents(text.slice(s, e)))
        const after = text.slice(e, e + 40)
        if (GROUP_CUE.test(before(text, s, 40)) || PERSON_NOUN.test(after) || plural)
          out.push(entity('NRP', text, s, e, 0.8, 'group'))
      }
    }
    return out
  },
}

/** Number of tokens of an organisation name starting at i, or 0. */
function organisationAt(text: string, tokens: readonly Token[], i: number): number {
  const listed = longestPhrase(tokens, i, ORGS)
  if (listed > 0) {
    const word = tokens[i]!.text
    const w = foldAccents(word)
    // Short names ("WHO", "UPS", "BT") only in capitals; "Amazon river", "Apple pie" are not firms.
    const shortOk = w.length > 4 || /^[A-Z&.]+$/.test(word)
    const after = text.slice(tokens[i + listed - 1]!.end, tokens[i + listed - 1]!.end + 15)
    if (listed > 1 || (shortOk && !COMMON_WORDS.has(w) && !NOT_A_FIRM.test(after))) return listed
  }
  // "University of Nairobi", "Bank of Ireland"
  if (
    ORG_OF.test(tokens[i]!.text) &&
    tokens[i + 1]?.text === 'of' &&
    isCap(tokens[i + 2]?.text ?? '')
  ) {
    let n = 3
    while (i + n < tokens.length && isCap(tokens[i + n]!.text) && n < 6) n++
    return n
  }
  // Capitalised run (connectors allowed inside) ending in an organisation word.
  let n = 0
  let last = 0
  while (i + n < tokens.length && n < 6) {
    const w = tokens[i + n]!.text
    if (
      n > 0 &&
      !/^(?:\s+|\s*&\s*)$/.test(text.slice(tokens[i + n - 1]!.end, tokens[i + n]!.start))
    )
      break
    if (!isCap(w) && !(n > 0 && (w === '&' || w === 'and' || w === 'of'))) break
    n++
    if (n > 1 && ORG_END.has(w.toLowerCase())) last = n
  }
  if (last === 0) return 0
  // The run must contain a word that is not itself an organisation word or a common word start.
  return last
}
