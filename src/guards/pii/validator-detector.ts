/**
 * The embedded PII detector: validator-backed recognizers for structured identifiers plus rule-based
 * recognizers for addresses, dates/times and person names (see recognizers/). Works offline, needs
 * no model, and reports Presidio type names with character offsets (UTF-16 code units, i.e.
 * JavaScript string indices) and a per-evidence confidence.
 */
import type { CountryCode } from 'libphonenumber-js/max'
import type { PiiDetector, PiiEntity } from '../types.js'
import { addressRecognizer } from './recognizers/address.js'
import { ageRecognizer } from './recognizers/age.js'
import { dateTimeRecognizer } from './recognizers/date-time.js'
import { domainRecognizer } from './recognizers/domain.js'
import { driverLicenseRecognizer } from './recognizers/driver-license.js'
import { gazetteerRecognizer } from './recognizers/gazetteer.js'
import { loneNameRecognizer } from './recognizers/lone-name.js'
import { personRecognizer } from './recognizers/person.js'
import { createPhoneRecognizer } from './recognizers/phone.js'
import {
  creditCardRecognizer,
  emailRecognizer,
  ibanRecognizer,
  ipRecognizer,
  ssnRecognizer,
} from './recognizers/structured.js'
import { zipCodeRecognizer } from './recognizers/zip-code.js'
import type { Recognizer } from './recognizers/types.js'
import { resolveOverlaps } from './resolve.js'

export interface ValidatorPiiOptions {
  /** Report only these types (default: every type the recognizers know). */
  readonly types?: readonly string[]
  /** Region for phone numbers written without a country code. */
  readonly defaultRegion?: CountryCode
}

export function defaultRecognizers(defaultRegion: CountryCode = 'US'): Recognizer[] {
  return [
    emailRecognizer,
    createPhoneRecognizer(defaultRegion),
    creditCardRecognizer,
    ssnRecognizer,
    ibanRecognizer,
    ipRecognizer,
    addressRecognizer,
    personRecognizer,
    loneNameRecognizer,
    dateTimeRecognizer,
    ageRecognizer,
    zipCodeRecognizer,
    driverLicenseRecognizer,
    domainRecognizer,
    gazetteerRecognizer,
  ]
}

export class ValidatorPiiDetector implements PiiDetector {
  readonly kind = 'validators'
  readonly types: readonly string[]
  private readonly recognizers: readonly Recognizer[]

  constructor(options: ValidatorPiiOptions = {}) {
    const all = defaultRecognizers(options.defaultRegion)
    const wanted = options.types ? new Set(options.types) : undefined
    this.recognizers = wanted ? all.filter((r) => r.types.some((t) => wanted.has(t))) : all
    this.types = [...new Set(this.recognizers.flatMap((r) => r.types))].filter(
      (t) => !wanted || wanted.has(t),
    )
  }

  /** Runs synchronously within the call; failures (an abort) reject, never throw. */
  detect(text: string, signal?: AbortSignal): Promise<PiiEntity[]> {
    const candidates: PiiEntity[] = []
    try {
      for (const recognizer of this.recognizers) {
        signal?.throwIfAborted()
        for (const e of recognizer.find(text)) if (this.types.includes(e.type)) candidates.push(e)
      }
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)))
    }
    return Promise.resolve(resolveOverlaps(candidates))
  }
}
