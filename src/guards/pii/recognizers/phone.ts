/**
 * Phone numbers via libphonenumber-js (full "max" metadata, so validity is checked against each
 * country's real numbering plan, not just length). International numbers (+CC) are found in any
 * region; national numbers are read as `defaultRegion` first, then numbers with a trunk prefix
 * (`0...`) are tried against a few more regions. Candidates preceded by words such as "order",
 * "ISBN" or "SKU" are skipped: those are identifiers that happen to look like phone numbers.
 */
import { findNumbers, isValidPhoneNumber, type CountryCode } from 'libphonenumber-js/max'
import type { PiiEntity } from '../../types.js'
import { before, entity, type Recognizer } from './types.js'

const NOT_A_PHONE = /\b(?:order|invoice|isbn|sku|part|tracking|ticket|account|acct|ref|reference|serial|id|version)\b[#:.\s\w]{0,12}$/
const PHONE_CONTEXT = /\b(?:call|phone|mobile|cell|tel|telephone|fax|text|whatsapp|reach|contact|dial|line|ring)\b/
// National numbers with a trunk prefix, e.g. UK 07700 900123, DE 030 1234567, FR 01 42 68 53 00.
const TRUNK_RE = /(?<![\d+])0\d(?:[ -]?\d){7,10}(?!\d)/g
const TRUNK_REGIONS: readonly CountryCode[] = ['GB', 'DE', 'FR', 'IT', 'ES', 'NL', 'AU', 'IN', 'IE', 'BR']

export function createPhoneRecognizer(defaultRegion: CountryCode = 'US'): Recognizer {
  return {
    name: 'phone',
    types: ['PHONE_NUMBER'],
    find(text) {
      const out: PiiEntity[] = []
      const add = (start: number, end: number): void => {
        const ctx = before(text, start, 30)
        if (NOT_A_PHONE.test(ctx)) return
        out.push(entity('PHONE_NUMBER', text, start, end, PHONE_CONTEXT.test(ctx) ? 0.95 : 0.85, 'libphonenumber'))
      }
      for (const m of findNumbers(text, { defaultCountry: defaultRegion, v2: true })) {
        if (m.number.isValid()) add(m.startsAt, m.endsAt)
      }
      for (const m of text.matchAll(TRUNK_RE)) {
        const start = m.index
        const end = start + m[0].length
        if (out.some((e) => e.start < end && start < e.end)) continue
        if (TRUNK_REGIONS.some((region) => isValidPhoneNumber(m[0], region))) add(start, end)
      }
      return out
    },
  }
}
