/**
 * Semantic-cache hit rate on paraphrases and false-hit rate on hard negatives, through the real
 * cache path: a SemanticCache over a memory backend, the configured embedder, the similarity
 * threshold and the false-hit guard. Every distinct `a` question of a set is stored, then every
 * `b` is looked up. A paraphrase counts as a hit only if it returns its own `a`; any other returned
 * entry is a false hit, and so is any hit for a hard negative. Used by `semantic-router eval cache`,
 * bench/cache/eval-pairs.ts and the verifier's training report.
 */
import { MemoryBackend } from '../cache/memory/memory-backend.js'
import { SemanticCache } from '../cache/semantic-cache.js'
import type { QueryVerifier } from '../cache/verify/verifier.js'
import { memoryBackendSchema } from '../cache/memory/options.js'
import type { Embedder } from '../embeddings/types.js'
import { silentLogger } from '../log.js'
import { RouterMetrics } from '../metrics/router-metrics.js'

export interface CachePair {
  readonly id: string
  readonly label: 'paraphrase' | 'hard_negative'
  /** Negative kind (number, entity, ...) or paraphrase / near. */
  readonly kind: string
  /** The stored question. */
  readonly a: string
  /** The looked-up question. */
  readonly b: string
}

export interface PairCounts {
  paraphrases: number
  hits: number
  wrong_entry: number
  hard_negatives: number
  false_hits: number
}

export interface PairReport extends PairCounts {
  paraphrase_hit_rate: number
  hard_negative_false_hit_rate: number
  /** Hard negatives (total, false hits) by kind. */
  by_kind: Record<string, { pairs: number; false_hits: number }>
  missed_paraphrases: string[]
  false_hit_ids: string[]
}

export interface PairRun {
  readonly embedder: Embedder
  readonly verifier: QueryVerifier
  readonly threshold: number
}

/** `guard-only` when no embedder is given: every pair reaches the verifier. */
export async function runCachePairs(
  pairs: readonly CachePair[],
  run: PairRun | { readonly verifier: QueryVerifier },
): Promise<PairReport> {
  const lookup = 'embedder' in run ? await cacheLookup(pairs, run) : guardLookup(run.verifier)
  const counts: PairCounts = {
    paraphrases: 0,
    hits: 0,
    wrong_entry: 0,
    hard_negatives: 0,
    false_hits: 0,
  }
  const byKind: PairReport['by_kind'] = {}
  const misses: string[] = []
  const falseHits: string[] = []
  for (const p of pairs) {
    const answer = await lookup(p)
    if (p.label === 'paraphrase') {
      counts.paraphrases++
      if (sameText(answer, p.a)) counts.hits++
      else if (answer !== undefined) {
        counts.wrong_entry++
        falseHits.push(p.id)
      } else misses.push(p.id)
    } else {
      counts.hard_negatives++
      const k = (byKind[p.kind] ??= { pairs: 0, false_hits: 0 })
      k.pairs++
      if (answer !== undefined) {
        counts.false_hits++
        k.false_hits++
        falseHits.push(p.id)
      }
    }
  }
  return {
    ...counts,
    paraphrase_hit_rate: round(counts.hits / Math.max(1, counts.paraphrases)),
    hard_negative_false_hit_rate: round(counts.false_hits / Math.max(1, counts.hard_negatives)),
    by_kind: byKind,
    missed_paraphrases: misses,
    false_hit_ids: falseHits,
  }
}

function guardLookup(verifier: QueryVerifier) {
  return (p: CachePair) => Promise.resolve(verifier.verify(p.b, p.a).ok ? p.a : undefined)
}

async function cacheLookup(pairs: readonly CachePair[], run: PairRun) {
  const log = silentLogger()
  const backend = new MemoryBackend(
    {
      dimension: run.embedder.dimension,
      maxEntries: 0,
      evictionPolicy: 'fifo',
      useHnsw: true,
      sections: {},
      maxMemoryEntries: 0,
      backendConfigPath: undefined,
      baseDir: process.cwd(),
      log,
      now: Date.now,
      onEvict: () => {},
    },
    memoryBackendSchema.parse({}),
  )
  const cache = new SemanticCache(
    backend,
    {
      lookupTimeoutMs: 10_000,
      writeTimeoutMs: 10_000,
      failureThreshold: 3,
      cooldownMs: 1,
      candidates: 4,
    },
    new RouterMetrics(),
    log,
  )
  const questions = [...new Set(pairs.map((p) => p.a))]
  const vectors = await run.embedder.embed(questions)
  for (const [i, q] of questions.entries())
    await cache.store({
      model: 'm',
      context: '',
      query: q,
      embedding: vectors[i]!,
      response: q,
      ttlSeconds: 0,
    })
  return async (p: CachePair): Promise<string | undefined> => {
    const [v] = await run.embedder.embed([p.b])
    const out = await cache.lookup(
      { model: 'm', context: '', query: p.b, embedding: v!, threshold: run.threshold },
      run.verifier,
    )
    return out.kind === 'hit' ? out.entry.response : undefined
  }
}

/** The same question written with other case or punctuation counts as the same entry. */
function sameText(a: string | undefined, b: string): boolean {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()
  return a !== undefined && norm(a) === norm(b)
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}
