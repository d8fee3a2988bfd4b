/**
 * DATE_TIME: explicit calendar dates and clock times. Reported: ISO dates (2024-03-15, with an
 * optional time), numeric dates with a year (03/15/2024, 15.03.2024, 3/15/24), dates with a month
 * name (March 14, 2025; 15 January 2024; Monday, October 7; Nov 4; July 3rd; March 2024), and clock
 * times (3:30 PM, 14:05, 9 am, noon, midnight). Not reported: bare years, weekdays or months on their
 * own, relative phrases ("tomorrow", "next week"), fractions (3/4), versions (1.2.3) and ratios —
 * they identify nobody and are the main source of false positives in technical prompts.
 */
import type { PiiEntity } from '../../types.js'
import { before, entity, type Recognizer } from './types.js'

const MONTHS =
  'January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec'
const WEEKDAYS =
  'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Tues|Wed|Thu|Thurs|Fri|Sat|Sun'
const DAY = `(?:[12]\\d|3[01]|0?[1-9])(?:st|nd|rd|th)?`
const YEAR = `(?:1[6-9]\\d\\d|2[01]\\d\\d)`
const WEEKDAY_PREFIX = `(?:(?:${WEEKDAYS}),? )?`
// Month names are matched case-sensitively (capitalised) so "may" and "march" as words never count.
const MONTH_FIRST = new RegExp(
  `\\b${WEEKDAY_PREFIX}(?:${MONTHS})\\.? ${DAY}(?:,? ${YEAR})?(?![\\d:])`,
  'g',
)
const DAY_FIRST = new RegExp(
  `\\b${WEEKDAY_PREFIX}${DAY} (?:of )?(?:${MONTHS})\\.?(?:,? ${YEAR})?\\b`,
  'g',
)
const MONTH_YEAR = new RegExp(`\\b(?:${MONTHS}) ${YEAR}\\b`, 'g')
const ISO_RE =
  /\b(\d{4})-(\d{2})-(\d{2})(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g
const NUMERIC_RE = /(?<![\d./-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?!\d|[./-]\d)/g
const TIME_RE =
  /(?<![\d:.])(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?: ?(?:[ap]\.m\.|[ap]m)(?![a-z]))?(?![\d:])/gi
const HOUR_AMPM_RE = /(?<![\d:.])(?:1[0-2]|0?[1-9]) ?(?:[ap]\.m\.|[ap]m)(?![a-z])/gi
const NAMED_TIME_RE = /\b(?:at|by|until|till|before|after|around) (noon|midnight)\b/gi
// "3:16" after a book name or "verse", and ratios like "odds of 3:1", are not times.
const NOT_TIME =
  /\b(?:verse|chapter|ratio|odds|score|scored|aspect|john|luke|mark|matthew|genesis|psalms?)\s*$/

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function numericDate(m: RegExpMatchArray): boolean {
  const [, a = '', sep = '', b = '', y = ''] = m
  // Dots with a two-digit year look like version numbers; slashes or dashes without a year are fractions.
  if (sep === '.' && y.length === 2) return false
  const year = y.length === 2 ? 2000 + Number(y) : Number(y)
  return validDate(year, Number(a), Number(b)) || validDate(year, Number(b), Number(a))
}

export const dateTimeRecognizer: Recognizer = {
  name: 'date_time',
  types: ['DATE_TIME'],
  find(text) {
    const out: PiiEntity[] = []
    const add = (start: number, end: number, confidence: number, source: string): void => {
      out.push(entity('DATE_TIME', text, start, end, confidence, source))
    }
    for (const re of [MONTH_FIRST, DAY_FIRST, MONTH_YEAR])
      for (const m of text.matchAll(re)) add(m.index, m.index + m[0].length, 0.85, 'date')
    for (const m of text.matchAll(ISO_RE))
      if (validDate(Number(m[1]), Number(m[2]), Number(m[3])))
        add(m.index, m.index + m[0].length, 0.9, 'date')
    for (const m of text.matchAll(NUMERIC_RE))
      if (numericDate(m)) add(m.index, m.index + m[0].length, 0.85, 'date')
    for (const re of [TIME_RE, HOUR_AMPM_RE])
      for (const m of text.matchAll(re))
        if (!NOT_TIME.test(before(text, m.index, 20)))
          add(m.index, m.index + m[0].length, 0.8, 'time')
    for (const m of text.matchAll(NAMED_TIME_RE)) {
      const start = m.index + m[0].length - (m[1]?.length ?? 0)
      add(start, m.index + m[0].length, 0.75, 'time')
    }
    return out
  },
}
