/**
 * ZIP_CODE: US ZIP / ZIP+4 codes after a postal word ("zip", "postcode", "postal code") or a
 * location word ("near 02139", "deliver to 10027"), and UK and Canadian postcodes, whose shape is
 * specific enough on its own ("SW1A 2AA", "M5V 3L9"). A ZIP inside a full street address belongs
 * to the STREET_ADDRESS span (the address recognizer is more confident).
 */
import type { PiiEntity } from '../../types.js'
import { before, entity, type Recognizer } from './types.js'

const US = '\\d{5}(?:-\\d{4})?'
const UK = '[A-Z]{1,2}\\d[A-Z\\d]? ?\\d[A-Z]{2}'
const CA = '[A-Z]\\d[A-Z] ?\\d[A-Z]\\d'
const CUED = new RegExp(
  `\\b(?:zip(?: ?code)?|postal code|post ?code|postcode)s?\\b(?: is| number)?[\\s:#]*(${US}|${UK}|${CA})\\b`,
  'gi',
)
const SHAPE = new RegExp(`(?<![\\w-])(${UK}|${CA})(?![\\w-])`, 'g')
const LOCATED = new RegExp(
  `(?<![\\w.,-])(${US})(?![\\w,-]|\\.\\d|\\s+(?:\\p{Ll}|[A-Z][a-z]))`,
  'gu',
)
/** Words before a bare 5-digit number that make it a place. */
const PLACE_CUE = /\b(?:near|around|in|within|to|for|from|area|zone|of|inside)\s+$/
/** Words before a number that make it something else. */
const NOT_ZIP =
  /\b(?:port|room|order|ticket|invoice|account|id|no\.?|number|version|build|step|page|line|item|sku|code|pin|year|route|flight|#)\s*:?\s*$/i

export const zipCodeRecognizer: Recognizer = {
  name: 'zip_code',
  types: ['ZIP_CODE'],
  find(text) {
    const out: PiiEntity[] = []
    for (const m of text.matchAll(CUED)) {
      const start = m.index + m[0].length - m[1]!.length
      out.push(entity('ZIP_CODE', text, start, start + m[1]!.length, 0.9, 'zip_cue'))
    }
    for (const m of text.matchAll(SHAPE)) {
      // A UK/Canadian code needs a digit in its second half and a letter in its first.
      if (!/\d[A-Z]{2}$|\d[A-Z]\d$/.test(m[1]!.replace(' ', ''))) continue
      out.push(entity('ZIP_CODE', text, m.index, m.index + m[1]!.length, 0.8, 'postcode_shape'))
    }
    for (const m of text.matchAll(LOCATED)) {
      const prefix = before(text, m.index, 25)
      const after = text.slice(m.index + m[1]!.length, m.index + m[1]!.length + 20)
      const placeAfter = /^\s+(?:inside|area|neighbou?rhood|zip)\b/i.test(after)
      if (NOT_ZIP.test(prefix) || !(PLACE_CUE.test(prefix) || placeAfter)) continue
      out.push(entity('ZIP_CODE', text, m.index, m.index + m[1]!.length, 0.75, 'zip_located'))
    }
    return out
  },
}
