/**
 * Street addresses: a house number, one to four capitalised words and a street-type word
 * ("742 Evergreen Terrace", "221B Baker Street"), optionally followed by a unit and by
 * ", City, ST 12345" (US) which is then part of the span. P.O. boxes are reported too.
 */
import type { PiiEntity } from '../../types.js'
import { entity, type Recognizer } from './types.js'

const STREET_TYPES = [
  'Street',
  'St',
  'Avenue',
  'Ave',
  'Road',
  'Rd',
  'Boulevard',
  'Blvd',
  'Lane',
  'Ln',
  'Drive',
  'Dr',
  'Court',
  'Ct',
  'Place',
  'Pl',
  'Terrace',
  'Way',
  'Parkway',
  'Pkwy',
  'Circle',
  'Cir',
  'Highway',
  'Hwy',
  'Square',
  'Sq',
  'Trail',
  'Close',
  'Crescent',
  'Loop',
  'Row',
  'Alley',
  'Plaza',
  'Grove',
  'Gardens',
  'Walk',
  'Hill',
  'Mews',
  'Expressway',
  'Pike',
  'Path',
  'Commons',
].join('|')
const NAME_WORD = `(?:[A-Z][a-z]+|[A-Z]{2,}|\\d{1,3}(?:st|nd|rd|th))`
const UNIT = `(?:,? (?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|#)\\.? ?[A-Za-z0-9-]+)?`
const CITY_STATE_ZIP = `(?:, [A-Z][a-z]+(?: [A-Z][a-z]+){0,2},? [A-Z]{2} \\d{5}(?:-\\d{4})?)?`
const ADDRESS_RE = new RegExp(
  `\\b\\d{1,6}[A-Za-z]?(?:-\\d{1,4})? (?:${NAME_WORD} ){1,4}(?:${STREET_TYPES})\\b\\.?${UNIT}${CITY_STATE_ZIP}`,
  'g',
)
const PO_BOX_RE = /\bP\.? ?O\.? Box \d{1,6}\b/gi

export const addressRecognizer: Recognizer = {
  name: 'street_address',
  types: ['STREET_ADDRESS'],
  find(text) {
    const out: PiiEntity[] = []
    for (const m of text.matchAll(ADDRESS_RE)) {
      let value = m[0]
      if (value.endsWith('.') && !/\b(?:St|Ave|Rd|Blvd|Ln|Dr|Ct|Pl|Pkwy|Cir|Hwy|Sq)\.$/.test(value))
        value = value.slice(0, -1)
      const full = /\d{5}(?:-\d{4})?$/.test(value)
      out.push(
        entity(
          'STREET_ADDRESS',
          text,
          m.index,
          m.index + value.length,
          full ? 0.95 : 0.85,
          'address',
        ),
      )
    }
    for (const m of text.matchAll(PO_BOX_RE))
      out.push(entity('STREET_ADDRESS', text, m.index, m.index + m[0].length, 0.85, 'address'))
    return out
  },
}
