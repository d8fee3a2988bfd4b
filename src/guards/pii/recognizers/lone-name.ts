/**
 * PERSON from where people put a name without an introduction:
 *  - greetings and thanks ("Hi Claudie", "Thanks, Priya", "Hello again Afua"), sign-offs
 *    ("Best,\nMateus"), a name alone on the last line, direct address at the start or end of a
 *    message ("Olen, the build is green", "... earlier, Ren.");
 *  - after a relation or a verb about people ("my neighbour Faisal", "Aunt Lorna", "call Pradeep");
 *  - full names whose words are in no word list ("Tadeusz Nowicki", "Nguyễn Thị Hoa").
 * A word counts as a name when it is capitalised (or the whole message is lower case) and is a
 * known given name, or is not an everyday English word (nor its plural or -ing form), a place, a
 * group, an organisation or a word people address instead of a name ("team", "Sir", "Siri").
 * Names from any culture are found this way without being listed.
 */
import type { PiiEntity } from '../../types.js'
import {
  COMMON_WORDS,
  FIRST_NAMES,
  GROUPS,
  ORGS,
  PLACES,
  SURNAMES,
  foldAccents,
} from '../lexicon.js'
import { entity, type Recognizer } from './types.js'

/** Case-insensitive source for a cue list while the name after it stays case-sensitive. */
function ci(alternatives: string): string {
  return alternatives.replace(/\p{L}/gu, (c) =>
    c.toLowerCase() === c.toUpperCase() ? c : `[${c.toLowerCase()}${c.toUpperCase()}]`,
  )
}

const NAME = `\\p{Lu}\\p{Ll}+(?:[-'’]\\p{L}\\p{Ll}+)?(?![\\p{L}\\p{N}'’-])`
const PARTICLE = `(?:de|da|do|dos|das|del|della|di|du|van|von|der|den|ter|le|la|bin|binti|ibn|al|el|Ní|Nic|Mac|Mc|Ó|O|ap|ben|bat)`
const GREETING = ci(
  `hi|hello again|hello|hey|hiya|heya|dear|good morning|good afternoon|good evening|good night|morning|evening|afternoon|greetings|thanks so much|thanks again|thanks heaps|thanks a lot|thanks|thank you so much|thank you again|thank you very much|thank you|many thanks|cheers|sorry|bye|goodbye|see you|ok|okay|yo|welcome|congrats|congratulations|happy birthday|hola|hallo|ciao|olá|ola|bonjour|salut|hej|hei|namaste|salaam|shalom|kia ora|aloha`,
)
const SIGN_OFF = ci(
  `best regards|kind regards|warm regards|warmest regards|best wishes|best|regards|warmly|cheers|thanks again|many thanks|thanks|thank you|sincerely|yours truly|yours sincerely|yours|love|all the best|talk soon|take care|speak soon|with thanks|respectfully|hugs|xo|xx`,
)
const RELATION = ci(
  `aunt|auntie|aunty|uncle|grandma|grandpa|granny|grandad|nonna|nonno|cousin|neighbour|neighbor|friend|colleague|coworker|son|daughter|wife|husband|boss|brother|sister|tenant|landlord|babysitter|nanny|client|manager|partner|boyfriend|girlfriend|roommate|flatmate|tutor|teacher|coach|intern|assistant|nephew|niece|mum|mom|dad`,
)
const PEOPLE_VERB = ci(
  `call|ask|tell|remind|email|text|message|ping|thank|invite|meet|met|told|asked|contact|cc|congratulate|pay|paid|phone|introduce me to|let|help|wish`,
)

const GREETING_RE = new RegExp(
  `(?:^|[\\n.!?"“(]\\s*)(?:${GREETING})[,!]?\\s+(${NAME})(?:(?:,?\\s+and\\s+|\\s*&\\s*)(${NAME}))?`,
  'gu',
)
const LOWER_GREETING_RE = /(?:^|[\n.!?]\s*)(?:hi|hey|hello|dear)\s+(\p{Ll}{2,})\b/gu
const SIGN_OFF_RE = new RegExp(
  `(?:^|\\n|[.!?]\\s+)(?:${SIGN_OFF})[,.!]?(?:\\s*\\n\\s*|,\\s*|\\s+-\\s*)(${NAME})(?:\\s+(${NAME}))?\\s*(?=$|\\n|[.!])`,
  'gu',
)
const START_RE = new RegExp(`(?:^|\\n)\\s*(${NAME})(?:,|\\s+-\\s|:\\s)`, 'gu')
const END_RE = new RegExp(`,\\s+(${NAME})\\s*(?:[.!?](?=\\s|$)|$)`, 'gu')
const PREP_RE = new RegExp(
  `\\b(?:to|for|with|from|by)\\s+(${NAME})(?=\\s*[.!?]?\\s*$|[,.!?]\\s)`,
  'gu',
)
const SIGNATURE_RE = new RegExp(
  `(?:\\n|[.!?]\\s+[-—–]\\s*|^\\s*[-—–]\\s*)(${NAME})(?:\\s+(${NAME}))?\\s*$`,
  'gu',
)
const RELATION_RE = new RegExp(`\\b(?:${RELATION})\\s+(${NAME})(?:\\s+(${NAME}))?`, 'gu')
const VERB_RE = new RegExp(`\\b(?:${PEOPLE_VERB})\\s+(${NAME})(?=\\s+\\p{Ll}|[,.!?]|$)`, 'gu')
const FULL_RE = new RegExp(`(?<![\\p{L}'’-])(${NAME})((?: (?:${PARTICLE} )?${NAME}){1,2})`, 'gu')
const PARTICLE_RE = new RegExp(`^${PARTICLE}$`, 'u')
const HEADER_RE = new RegExp(
  `(?:^|\\n)\\s*(?:To|From|Cc|Attn|Name|Contact|Owner|Signed|Author|Assignee|Reporter|Patient|Customer|Applicant)\\s*:\\s*(${NAME})(?: (${NAME}))?`,
  'gu',
)

/** Words people address instead of a name, or that a cue word is often followed by. */
export const NOT_ADDRESSED: ReadonlySet<string> = new Set(
  `team all everyone everybody folks guys gang there sir madam maam siri alexa google cortana
  chatgpt gpt claude gemini copilot bard bot assistant mom mum mommy mummy dad daddy mama papa
  grandma grandpa granny santa diary world support admin customer customers user users friend
  friends mate buddy bro dude boss doc doctor professor coach class kids people ladies gentlemen
  sweetie honey darling babe baby love crew colleagues comrades sirs partner partners human
  humans computer robot you me again i january february march april may june july august
  september october november december monday tuesday wednesday thursday friday saturday sunday
  python java rust kubernetes docker linux windows excel word outlook slack zoom teams github
  gitlab jira postgres redis nginx ubuntu debian android iphone chrome firefox safari mr mrs ms
  mx dr prof sgt capt the a an this that these those my our your his her their its from to cc bcc
  subject re fwd fw date sent attn note ps and or but if when then so as at by in on of for with
  email phone name age city address mobile tel fax zip bonjour bonsoir salut merci hola gracias
  buenos buenas hallo danke guten ciao grazie buongiorno ola olá obrigado obrigada hej tack hei
  namaste salaam shalom aloha konnichiwa privet spasibo`
    .split(/\s+/)
    .filter(Boolean),
)

function isEverydayWord(word: string): boolean {
  const w = foldAccents(word)
  if (COMMON_WORDS.has(w)) return true
  const stems = [
    w.replace(/s$/, ''),
    w.replace(/es$/, ''),
    w.replace(/ies$/, 'y'),
    w.replace(/ing$/, ''),
    w.replace(/ing$/, 'e'),
    w.replace(/ed$/, ''),
    w.replace(/ly$/, ''),
  ]
  return stems.some((s) => s !== w && COMMON_WORDS.has(s))
}

/** Could this capitalised word be (part of) a person's name? */
export function nameLike(word: string): boolean {
  const w = word.toLowerCase()
  if (NOT_ADDRESSED.has(w)) return false
  const folded = foldAccents(word)
  if (PLACES.phrases.has(folded) || GROUPS.phrases.has(folded) || ORGS.phrases.has(folded))
    return false
  if (FIRST_NAMES.has(w) || SURNAMES.has(w)) return true
  return !isEverydayWord(word) && w.length >= 2
}

const known = (w: string): boolean => FIRST_NAMES.has(w.toLowerCase())

export const loneNameRecognizer: Recognizer = {
  name: 'lone_name',
  types: ['PERSON'],
  find(text) {
    const out: PiiEntity[] = []
    const push = (start: number, end: number, confidence: number, source: string): void => {
      out.push(entity('PERSON', text, start, end, confidence, source))
    }
    /** Group g of m (and, if present and name-like, group g+1 as a surname). */
    const add = (
      m: RegExpMatchArray,
      g: number,
      confidence: number,
      source: string,
      pair = false,
    ): void => {
      const value = m[g]
      if (!value || !nameLike(value)) return
      const from = g > 1 && m[g - 1] ? m[0].indexOf(m[g - 1]!) + m[g - 1]!.length : 0
      const start = m.index! + m[0].indexOf(value, from)
      let end = start + value.length
      const surname = pair ? m[g + 1] : undefined
      if (surname && nameLike(surname))
        end = m.index! + m[0].indexOf(surname, end - m.index!) + surname.length
      push(start, end, known(value) ? confidence + 0.05 : confidence, source)
    }
    for (const m of text.matchAll(GREETING_RE)) {
      add(m, 1, 0.8, 'greeting')
      add(m, 2, 0.8, 'greeting')
    }
    if (text === text.toLowerCase())
      for (const m of text.matchAll(LOWER_GREETING_RE)) add(m, 1, 0.75, 'greeting')
    for (const m of text.matchAll(SIGN_OFF_RE)) add(m, 1, 0.8, 'sign_off', true)
    for (const m of text.matchAll(START_RE)) add(m, 1, 0.75, 'addressed')
    for (const m of text.matchAll(END_RE)) add(m, 1, 0.75, 'addressed')
    for (const m of text.matchAll(SIGNATURE_RE)) add(m, 1, 0.8, 'signature', true)
    for (const m of text.matchAll(RELATION_RE)) add(m, 1, 0.8, 'relation', true)
    for (const m of text.matchAll(VERB_RE)) add(m, 1, 0.75, 'person_verb')
    for (const m of text.matchAll(HEADER_RE)) add(m, 1, 0.8, 'header', true)
    for (const m of text.matchAll(PREP_RE)) add(m, 1, 0.75, 'clause_end')
    // Manual exec loop: when the run starts with an ordinary word ("Add Ilse de Vries"), retry
    // from the next word instead of skipping the whole run.
    const full = new RegExp(FULL_RE)
    for (let m = full.exec(text); m; m = full.exec(text)) {
      const words = m[0].split(' ')
      const names = words.filter((w) => !PARTICLE_RE.test(w))
      if (!nameLike(names[0]!)) {
        full.lastIndex = m.index + words[0]!.length + 1
        continue
      }
      // Every word must be name-like, and not all of them listed names (the given-name rule
      // already covers "Grace Liu").
      if (!names.every(nameLike)) continue
      if (names.every((w) => FIRST_NAMES.has(w.toLowerCase()) || SURNAMES.has(w.toLowerCase())))
        continue
      push(m.index, m.index + m[0].length, 0.75, 'full_name')
    }
    return out
  },
}
