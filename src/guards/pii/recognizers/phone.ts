/**
 * Phone numbers, validated with libphonenumber-js (full "max" metadata, so validity is checked
 * against each country's real numbering plan, not just length). A cheap pattern first picks out
 * phone-shaped runs (7–15 digits with the usual separators); each run is parsed as an international
 * number (+CC / 00CC), then in `defaultRegion`, and, when it starts with a trunk prefix `0`, in a
 * few more regions. Runs preceded by words such as "order", "ISBN" or "SKU" are skipped: those are
 * identifiers that happen to look like phone numbers.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max'
import type { PiiEntity } from '../../types.js'
import { before, entity, type Recognizer } from './types.js'

const NOT_A_PHONE =
  /\b(?:order|invoice|isbn|sku|part|tracking|ticket|account|acct|ref|reference|serial|id|version|code)\b[#:.\s\w]{0,12}$/
const PHONE_CONTEXT =
  /\b(?:call|phone|mobile|cell|tel|telephone|fax|text|whatsapp|reach|contact|dial|line|ring)\b/
const CANDIDATE_RE = /(?<![\w+])(?:\+|00)?\(?\d[\d ().-]{5,22}\d(?![\w])/g
const TRUNK_REGIONS: readonly CountryCode[] = [
  'GB',
  'DE',
  'FR',
  'IT',
  'ES',
  'NL',
  'AU',
  'IN',
  'IE',
  'BR',
]

function validIn(candidate: string, region: CountryCode): boolean {
  return parsePhoneNumberFromString(candidate, region)?.isValid() ?? false
}

function isPhone(candidate: string, defaultRegion: CountryCode): boolean {
  const digits = candidate.replace(/\D/g, '')
  if (digits.length < 7 || digits.length > 15) return false
  if (candidate.startsWith('+') || candidate.startsWith('00'))
    return validIn(candidate.replace(/^00/, '+'), defaultRegion)
  if (validIn(candidate, defaultRegion)) return true
  return digits.startsWith('0') && TRUNK_REGIONS.some((region) => validIn(candidate, region))
}

export function createPhoneRecognizer(defaultRegion: CountryCode = 'US'): Recognizer {
  return {
    name: 'phone',
    types: ['PHONE_NUMBER'],
    find(text) {
      const out: PiiEntity[] = []
      for (const m of text.matchAll(CANDIDATE_RE)) {
        // A run may start with "(" of a parenthesis that is not part of the number.
        const candidate = m[0].startsWith('(') && !/^\(\d{2,4}\)/.test(m[0]) ? m[0].slice(1) : m[0]
        const start = m.index + m[0].length - candidate.length
        if (!isPhone(candidate, defaultRegion)) continue
        const ctx = before(text, start, 30)
        if (NOT_A_PHONE.test(ctx)) continue
        const confidence = PHONE_CONTEXT.test(ctx) ? 0.95 : 0.85
        out.push(
          entity(
            'PHONE_NUMBER',
            text,
            start,
            start + candidate.length,
            confidence,
            'libphonenumber',
          ),
        )
      }
      return out
    },
  }
}
