/**
 * Structured identifiers with a checksum or a strict grammar: e-mail addresses (validator's
 * isEmail), payment cards (Luhn + issuer prefixes via validator's isCreditCard), US social security
 * numbers (SSA allocation rules), IBANs (ibantools: country length + mod-97) and IP addresses
 * (node:net). A candidate that fails its validator is not reported, which is what keeps order
 * numbers, ISBNs, versions and product codes out.
 */
import { isIP } from 'node:net'
import { electronicFormatIBAN, isValidIBAN } from 'ibantools'
import validator from 'validator'
import type { PiiEntity } from '../../types.js'
import { before, entity, type Recognizer } from './types.js'

const EMAIL_RE =
  /[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,24}\b/g

export const emailRecognizer: Recognizer = {
  name: 'email',
  types: ['EMAIL_ADDRESS'],
  find(text) {
    const out: PiiEntity[] = []
    for (const m of text.matchAll(EMAIL_RE)) {
      if (validator.isEmail(m[0]))
        out.push(entity('EMAIL_ADDRESS', text, m.index, m.index + m[0].length, 0.95, 'email'))
    }
    return out
  },
}

// 13–19 digits in groups separated by single spaces or dashes, not glued to more digits.
const CARD_RE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d]|[ -]\d)/g

export const creditCardRecognizer: Recognizer = {
  name: 'credit_card',
  types: ['CREDIT_CARD'],
  find(text) {
    const out: PiiEntity[] = []
    for (const m of text.matchAll(CARD_RE)) {
      const digits = m[0].replace(/[ -]/g, '')
      if (validator.isCreditCard(digits)) {
        const context = /\b(?:card|visa|mastercard|amex|discover|credit|debit|cc)\b/.test(
          before(text, m.index, 40),
        )
        out.push(
          entity('CREDIT_CARD', text, m.index, m.index + m[0].length, context ? 0.98 : 0.9, 'luhn'),
        )
      }
    }
    return out
  },
}

const SSN_RE = /(?<![\d-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\d-])/g
const SSN_CONTEXT = /\b(?:ssn|ssns|social security|social-security|soc sec|taxpayer|tin)\b/

function validSsnParts(area: string, group: string, serial: string): boolean {
  const a = Number(area)
  return a !== 0 && a !== 666 && a < 900 && group !== '00' && serial !== '0000'
}

export const ssnRecognizer: Recognizer = {
  name: 'us_ssn',
  types: ['US_SSN'],
  find(text) {
    const out: PiiEntity[] = []
    for (const m of text.matchAll(SSN_RE)) {
      const [, area = '', sep = '', group = '', serial = ''] = m
      if (!validSsnParts(area, group, serial)) continue
      const context = SSN_CONTEXT.test(before(text, m.index, 40))
      // Undelimited or space-delimited nine digits are too common to report without context.
      if (sep !== '-' && !context) continue
      out.push(entity('US_SSN', text, m.index, m.index + m[0].length, context ? 0.95 : 0.85, 'ssn'))
    }
    return out
  },
}

// Country code, check digits, then 11–30 alphanumerics, optionally in space-separated groups.
const IBAN_RE = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{1,4}){3,8}\b/g

export const ibanRecognizer: Recognizer = {
  name: 'iban',
  types: ['IBAN_CODE'],
  find(text) {
    const out: PiiEntity[] = []
    for (const m of text.matchAll(IBAN_RE)) {
      // The pattern may swallow a following upper-case word; drop trailing groups until valid.
      let candidate = m[0]
      while (candidate.length >= 15) {
        const electronic = electronicFormatIBAN(candidate)
        if (electronic && isValidIBAN(electronic)) {
          out.push(entity('IBAN_CODE', text, m.index, m.index + candidate.length, 0.97, 'iban'))
          break
        }
        const cut = candidate.lastIndexOf(' ')
        if (cut < 4) break
        candidate = candidate.slice(0, cut)
      }
    }
    return out
  },
}

const IPV4_RE = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)/g
const IPV6_RE =
  /(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%\w+)?(?![0-9A-Fa-f:])/g
const VERSION_CONTEXT = /\b(?:version|release|v|ver|build|firmware|section|chapter|rev)\.?\s*$/

export const ipRecognizer: Recognizer = {
  name: 'ip_address',
  types: ['IP_ADDRESS'],
  find(text) {
    const out: PiiEntity[] = []
    for (const m of text.matchAll(IPV4_RE)) {
      if (isIP(m[0]) !== 4 || VERSION_CONTEXT.test(before(text, m.index, 20))) continue
      out.push(entity('IP_ADDRESS', text, m.index, m.index + m[0].length, 0.9, 'ipv4'))
    }
    for (const m of text.matchAll(IPV6_RE)) {
      // Require hex digits and either "::" or all eight groups, so clock times never qualify.
      const value = m[0]
      if (!/[0-9a-f]{1,4}/i.test(value) || (value.split(':').length < 8 && !value.includes('::')))
        continue
      if (isIP(value.replace(/%\w+$/, '')) !== 6) continue
      out.push(entity('IP_ADDRESS', text, m.index, m.index + value.length, 0.9, 'ipv6'))
    }
    return out
  },
}
