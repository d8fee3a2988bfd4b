/**
 * Choosing the verifier's acceptance threshold and the cache's similarity threshold on a split,
 * by replaying the cache's decision: the candidates are the stored requests at or above the
 * similarity threshold, best first, at most four; the first one the verifier accepts is the hit. A
 * hit for a hard negative, or a rewording answered with another request, is a false hit.
 */
export type Candidates = readonly {
  readonly a: string
  readonly b: string
  readonly paraphrase: boolean
  /** Negative kind (number, entity, ...) or `paraphrase`. */
  readonly kind: string
  readonly ranked: readonly { readonly request: string; readonly similarity: number }[]
}[]

export interface Outcome {
  readonly hits: number
  readonly paraphrases: number
  readonly falseHits: number
  /** False hits on the kinds a cached answer is plainly wrong for (see PRECISE_KINDS). */
  readonly preciseFalseHits: number
  readonly negatives: number
}

/**
 * The hard-negative kinds issue 16 names (a number, a name or entity, a negation, an opposite, a
 * unit) and reversed directions: no false hit is tolerated on them. `object` and `qualifier`
 * negatives (who ↔ when, "for a child") are where a small rate is tolerated, see chooseThresholds.
 */
export const PRECISE_KINDS = new Set([
  'number',
  'unit',
  'entity',
  'negation',
  'opposite',
  'direction',
])

const SIMILARITIES = [0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7]
const PROBABILITIES = Array.from({ length: 39 }, (_, i) => +(0.03 + i * 0.025).toFixed(3))

/** The probability of each pair computed once (the grids replay the same pairs many times). */
function memoised(probability: (query: string, cached: string) => number) {
  const memo = new Map<string, number>()
  return (q: string, c: string) => {
    const key = `${q}\u0000${c}`
    let v = memo.get(key)
    if (v === undefined) memo.set(key, (v = probability(q, c)))
    return v
  }
}

export function replay(
  lookups: Candidates,
  probability: (query: string, cached: string) => number,
  similarity: number,
  threshold: number,
): Outcome {
  let hits = 0
  let falseHits = 0
  let preciseFalseHits = 0
  let paraphrases = 0
  for (const l of lookups) {
    if (l.paraphrase) paraphrases++
    const candidates = l.ranked.filter((c) => c.similarity >= similarity).slice(0, 4)
    const hit = candidates.find((c) => probability(l.b, c.request) >= threshold)
    // Safety does not rely on the order of the candidates: a rewording that the verifier would
    // accept for another stored request is a false hit even when its own request ranked first.
    const wrong =
      l.paraphrase &&
      candidates.some((c) => c.request !== l.a && probability(l.b, c.request) >= threshold)
    if (wrong) {
      falseHits++
      preciseFalseHits++
      continue
    }
    if (hit === undefined) continue
    if (l.paraphrase && hit.request === l.a) hits++
    else {
      falseHits++
      if (l.paraphrase || PRECISE_KINDS.has(l.kind)) preciseFalseHits++
    }
  }
  return { hits, paraphrases, falseHits, preciseFalseHits, negatives: lookups.length - paraphrases }
}

/**
 * The pair with (nearly) the most hits such that no hard negative of a precise kind (and no
 * rewording answered with another request) is a hit and at most `tolerance` of all hard negatives
 * are; among pairs within 3 % of the most hits, the highest similarity threshold; then the acceptance threshold raised by `margin`, so a slightly
 * different population stays safe.
 */
export function chooseThresholds(
  lookups: Candidates,
  probability: (query: string, cached: string) => number,
  opts: { margin: number; tolerance: number },
) {
  const p = memoised(probability)
  const negatives = lookups.filter((l) => !l.paraphrase).length
  const safe = (o: Outcome) =>
    o.preciseFalseHits === 0 && o.falseHits <= Math.floor(opts.tolerance * negatives)
  const grid: Record<string, string> = {}
  const options = SIMILARITIES.map((s) => {
    const lowest = PROBABILITIES.find((t) => safe(replay(lookups, p, s, t))) ?? 1
    const o = replay(lookups, p, s, lowest)
    grid[`similarity ${s}`] =
      `threshold ${lowest}: ${o.hits}/${o.paraphrases} hits, ${o.falseHits} false hits`
    return { similarity: s, threshold: lowest, hits: o.hits }
  })
  // The highest similarity threshold within 3 % of the most hits: fewer candidates, same hits.
  const most = Math.max(...options.map((o) => o.hits))
  const best = options.filter((o) => o.hits >= 0.97 * most).at(-1)!
  const threshold = Math.min(0.99, +(best.threshold + opts.margin).toFixed(3))
  const curve: Record<string, string> = {}
  for (const t of [0.3, 0.5, 0.7, 0.8, 0.9, 0.95]) {
    const o = replay(lookups, p, best.similarity, t)
    curve[`threshold ${t}`] =
      `${o.hits}/${o.paraphrases} hits, ${o.falseHits}/${o.negatives} false hits`
  }
  return {
    similarity: best.similarity,
    threshold,
    report: {
      lowest_safe: grid,
      curve,
      chosen: {
        similarity: best.similarity,
        threshold,
        ...opts,
        ...replay(lookups, p, best.similarity, threshold),
      },
    },
  }
}

/** Acceptance thresholds the pool choice tries: 0.30 to 0.99 by 0.005. */
const FINE = Array.from({ length: 139 }, (_, i) => +(0.3 + i * 0.005).toFixed(3))

/**
 * The selection the lead fixed for issue 16 (2026-12-08): on a pool bigger than dev — the
 * same-fold out-of-bag lookups plus dev — the lowest acceptance threshold (0.005 steps) at the
 * given similarity threshold whose precise false hits on the pool are at most `bound`, the
 * shipped model's own count on that pool at its threshold (`referenceThreshold` measures it for
 * the model at hand). No margin: the bound is already the shipped model's.
 */
export function chooseOnPool(
  lookups: Candidates,
  probability: (query: string, cached: string) => number,
  o: { similarity: number; bound?: number; referenceThreshold?: number },
) {
  const p = memoised(probability)
  const bound =
    o.bound ??
    (o.referenceThreshold === undefined
      ? undefined
      : replay(lookups, p, o.similarity, o.referenceThreshold).preciseFalseHits)
  if (bound === undefined) throw new Error('chooseOnPool: a bound or a reference threshold')
  const threshold =
    FINE.find((t) => replay(lookups, p, o.similarity, t).preciseFalseHits <= bound) ?? 0.99
  return {
    similarity: o.similarity,
    threshold,
    bound,
    pool: replay(lookups, p, o.similarity, threshold),
  }
}

/**
 * A train lookup's candidates limited to the requests of its own fold (requests its fold model
 * never saw), so a model that remembers train requests gains nothing on the pool.
 */
export function sameFold(lookups: Candidates, foldOfRequest: (request: string) => number) {
  return lookups.map((l) => ({
    ...l,
    ranked: l.ranked.filter((c) => foldOfRequest(c.request) === foldOfRequest(l.a)),
  }))
}
