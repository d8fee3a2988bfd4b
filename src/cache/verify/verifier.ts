/**
 * The false-hit guard. A vector match says two questions are *about* the same thing; this decides
 * whether they *ask* the same thing. Two methods (`semantic_cache.verification.method`):
 *
 *  - `learned` (default): the trained verifier of models/cache-verifier — a probability that the
 *    two ask the same thing, from word vectors, WordNet relations and the hand-written checks, with
 *    the precise checks as vetoes (learned-model.ts);
 *  - `rules`: the hand-written checks alone; the first failing one rejects.
 *
 * Either way a rejection names a reason (a metric label: numbers | negation | entities |
 * operators | order | content_words), and each check can be switched off.
 */
import type { CacheVerificationOptions } from '../../config/schema/cache.js'
import type { Analysis } from './analysis.js'
import { fingerprint, type Fingerprint } from './fingerprint.js'
import type { LearnedVerifierModel } from './learned-model.js'
import {
  compoundNumbersDiffer,
  contentDiffers,
  negationDiffers,
  numbersDiffer,
  operatorsDiffer,
  orderDiffers,
  questionWordSwapped,
  switchFlipped,
  unitsDiffer,
  unmatchedEntities,
} from './rules.js'

export type RejectionReason =
  'numbers' | 'negation' | 'entities' | 'operators' | 'order' | 'content_words'

export type Verdict =
  | { readonly ok: true; readonly confidence?: number }
  | { readonly ok: false; readonly reason: RejectionReason; readonly detail: string }

const OK: Verdict = { ok: true }

export class QueryVerifier {
  private readonly prints = new Recent<Fingerprint>()
  private readonly analyses = new Recent<Analysis>()

  /**
   * `model` is required for the learned method; without it the rules decide. `maxChars` bounds
   * what is compared (`security.input_window.max_chars`): the pair features align the two word
   * sequences (quadratic), so two similar 1 MB prompts took the event loop for minutes.
   */
  constructor(
    private readonly options: CacheVerificationOptions,
    private readonly model?: LearnedVerifierModel,
    private readonly maxChars = Number.POSITIVE_INFINITY,
  ) {}

  get enabled(): boolean {
    return this.options.enabled
  }

  /** The method that actually decides. */
  get method(): 'learned' | 'rules' {
    return this.options.method === 'learned' && this.model ? 'learned' : 'rules'
  }

  /** Compare the incoming question with a cached one. */
  verify(query: string, cached: string): Verdict {
    if (!this.options.enabled || query === cached) return OK
    // A text longer than the window is only ever answered by an exact match: its embedding saw
    // the window alone, and comparing the whole texts would cost time quadratic in their length.
    if (query.length > this.maxChars || cached.length > this.maxChars)
      return reject('content_words', `longer than ${this.maxChars} characters: exact match only`)
    const model = this.method === 'learned' ? this.model! : undefined
    if (model === undefined) {
      const print = (t: string) => this.prints.get(t, fingerprint)
      return compare(print(query), print(cached), this.options)
    }
    const an = (t: string) => this.analyses.get(t, (x) => model.analyse(x))
    const min = this.options.min_confidence ?? model.threshold
    const j = model.judge(an(query), an(cached), this.options, min)
    if (j.probability >= min) return { ok: true, confidence: j.probability }
    return reject(j.group ?? 'content_words', j.detail ?? `confidence ${j.probability.toFixed(3)}`)
  }
}

/** The analyses of recent texts (a hot cached question is compared many times). */
class Recent<T> {
  private readonly items = new Map<string, T>()

  get(text: string, make: (text: string) => T): T {
    let item = this.items.get(text)
    if (item === undefined) {
      item = make(text)
      if (this.items.size >= 1024) this.items.delete(this.items.keys().next().value!)
      this.items.set(text, item)
    }
    return item
  }
}

export function compare(a: Fingerprint, b: Fingerprint, o: CacheVerificationOptions): Verdict {
  let detail: string | undefined
  if (o.numbers && (detail = numbersDiffer(a, b))) return reject('numbers', detail)
  if (o.negation && (detail = negationDiffers(a, b))) return reject('negation', detail)
  if (o.entities) {
    const missing = unmatchedEntities(a, b)
    if (missing.length > 0) return reject('entities', missing.join(','))
  }
  if (o.operators) {
    if ((detail = operatorsDiffer(a, b) ?? switchFlipped(a, b))) return reject('operators', detail)
    if ((detail = orderDiffers(a, b))) return reject('order', detail)
  }
  // After the order check: "5 miles to km" / "5 km to miles" is named a reversed order.
  if (o.numbers && (detail = unitsDiffer(a, b) ?? compoundNumbersDiffer(a, b)))
    return reject('numbers', detail)
  if (
    o.content_words &&
    (detail = questionWordSwapped(a, b) ?? contentDiffers(a, b, o.max_extra_content_words))
  )
    return reject('content_words', detail)
  return OK
}

function reject(reason: RejectionReason, detail: string): Verdict {
  return { ok: false, reason, detail }
}
