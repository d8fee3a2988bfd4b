/**
 * US_DRIVER_LICENSE: a licence number after "driver's license", "driving licence", "DL#" or, in a
 * text that talks about driving or the DMV, "license number/ID". State formats vary too much
 * to validate (one letter and 4-14 digits, 7-12 digits, groups with dashes or spaces), so the
 * context word is required; software licence keys and version numbers do not have it.
 */
import type { PiiEntity } from '../../types.js'
import { entity, type Recognizer } from './types.js'

const ID = '([A-Z]{1,2}\\d[\\d -]{3,18}\\d|\\d{3}[ -]?\\d{3}[ -]?\\d{3,6}|\\d{7,12})'
const STRONG = new RegExp(
  `\\b(?:driver'?s?|driver’s|drivers|driving)\\s+licen[cs]e\\b(?:\\s+(?:number|no\\.?|num|#|id))?[^.\\n\\d]{0,25}?${ID}(?![\\w-])`,
  'gi',
)
const DL = new RegExp(`\\bDL\\s*(?:#|no\\.?|number|:)\\s*${ID}(?![\\w-])`, 'g')
const WEAK = new RegExp(
  `\\blicen[cs]e\\s*(?:number|no\\.?|num|#|id)?\\s*:?\\s*(?:is\\s+)?${ID}(?![\\w-])`,
  'gi',
)
const SOFTWARE =
  /\b(?:software|product|activation|serial|windows|office|key|api|mit|gpl|apache|bsd)\b[^.]*$/i
const DRIVING = /\b(?:driv|dmv|motor vehicle|rental|car\b|vehicle)/i

export const driverLicenseRecognizer: Recognizer = {
  name: 'us_driver_license',
  types: ['US_DRIVER_LICENSE'],
  find(text) {
    const out: PiiEntity[] = []
    const add = (m: RegExpMatchArray, confidence: number, source: string): void => {
      const value = m[1]!.trim()
      if (value.replace(/\D/g, '').length < 6) return
      const start = m.index! + m[0].lastIndexOf(value)
      out.push(entity('US_DRIVER_LICENSE', text, start, start + value.length, confidence, source))
    }
    for (const m of text.matchAll(STRONG)) add(m, 0.9, 'dl_context')
    for (const m of text.matchAll(DL)) add(m, 0.85, 'dl_abbreviation')
    // "license number 123..." without a word about driving: only when the number looks like a
    // state licence (letter + digits, or 7+ digits) and is not a software or product key.
    for (const m of text.matchAll(WEAK)) {
      if (SOFTWARE.test(text.slice(Math.max(0, m.index - 30), m.index))) continue
      const shaped = /^[A-Z]\d{6,12}$/.test(m[1]!) || m[1]!.replace(/\D/g, '').length >= 7
      if (DRIVING.test(text) || shaped) add(m, DRIVING.test(text) ? 0.8 : 0.75, 'license_number')
    }
    return out
  },
}
