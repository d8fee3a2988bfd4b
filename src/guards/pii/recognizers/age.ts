/**
 * AGE: a person's age in years. The span is the number only ("I am [34] years old", "a [7]-year-old",
 * "aged [52]", "Age: [45]", "turned [16]", "Tarek, [24], who ..."). Ages of things (a house, a
 * company, wine, the universe, a pet) and durations ("coding for 12 years") are not reported.
 */
import type { PiiEntity } from '../../types.js'
import { before, entity, type Recognizer } from './types.js'

const N = '(\\d{1,3})'
const PATTERNS: readonly { re: RegExp; confidence: number }[] = [
  { re: new RegExp(`\\b${N}[ -]?(?:years?|yrs?|yr)[ -]old\\b`, 'gi'), confidence: 0.85 },
  { re: new RegExp(`\\b${N} ?yo\\b`, 'gi'), confidence: 0.8 },
  {
    re: new RegExp(
      `\\b(?:aged|age of|age:|age =|age is|age)\\s*${N}\\b(?!\\s*(?:%|minutes|seconds|days|ms|s\\b))`,
      'gi',
    ),
    confidence: 0.85,
  },
  {
    re: new RegExp(
      `\\b(?:turned|turning|turns|turn|reached|reaching) ${N}\\b(?! ?(?:%|percent|degrees|times|minutes|pages|points))`,
      'gi',
    ),
    confidence: 0.8,
  },
  {
    re: new RegExp(
      `\\b(?:i'm|i’m|i am|im|he's|she's|he is|she is|i was|just) ${N}(?=[,.!?;]|$| and | but | so | now| next| this| years)`,
      'gi',
    ),
    confidence: 0.8,
  },
  {
    re: new RegExp(
      `\\b(?:son|daughter|child|kid|baby|boy|girl|brother|sister|grandson|granddaughter|nephew|niece|mother|father|mom|mum|dad|wife|husband|partner|grandma|grandpa|grandmother|grandfather|twins|kids|children) (?:is|was|are|just turned|turned|turns) ${N}\\b(?! ?(?:%|kg|lbs?|pounds|cm|m\\b|feet|ft|inches|in\\b|minutes|hours|days|weeks|months|\\.\\d))`,
      'gi',
    ),
    confidence: 0.8,
  },
  {
    re: new RegExp(`(?:^|[.!?]\\s+)At ${N}, (?=i|we|you|he|she|can|should|is)`, 'g'),
    confidence: 0.75,
  },
  // "Tarek, 24, who ...", "The victim, 31, was ...": an appositive number after a name or person noun.
  {
    re: new RegExp(
      `(?:\\p{Lu}\\p{Ll}+|\\b(?:victim|patient|suspect|driver|man|woman|boy|girl|mother|father|applicant|resident|student|worker|teen|teenager)), ${N},`,
      'gu',
    ),
    confidence: 0.75,
  },
]

/** Things whose age is not personal data, seen just before the number. */
const NOT_A_PERSON =
  /\b(?:house|home|building|car|company|firm|business|brand|dog|cat|pet|horse|tree|wine|whisky|whiskey|cheese|universe|earth|planet|bridge|church|tradition|warranty|laptop|phone|computer|version|app|program|account|it|this|that|story|song|book|film|movie|record|school|city|town|country|university|bottle|rock|star|fossil|painting)\b[^.!?]{0,25}$/

export const ageRecognizer: Recognizer = {
  name: 'age',
  types: ['AGE'],
  find(text) {
    const out: PiiEntity[] = []
    for (const { re, confidence } of PATTERNS) {
      for (const m of text.matchAll(re)) {
        const value = m[1]
        if (!value) continue
        const n = Number(value)
        if (n < 1 || n > 120) continue
        const start = m.index + m[0].lastIndexOf(value, m[0].length - (m[0].endsWith(',') ? 1 : 0))
        if (NOT_A_PERSON.test(before(text, start, 40))) continue
        out.push(entity('AGE', text, start, start + value.length, confidence, 'age'))
      }
    }
    return out
  },
}
