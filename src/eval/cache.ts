/**
 * The semantic cache at a config's settings (default: the built-in defaults) on pairs it was not
 * trained on: the paraphrase corpus's test split, and the cache benchmark's pair sets
 * (bench/cache/data, written before the learned verifier and never trained on). Through the real
 * cache path (cache-pairs.ts): the config's embedder, similarity threshold and verifier.
 * `semantic-router eval cache [--config <file>] [--threshold <similarity>]`.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRuntimeServices } from '../assembly/build-services.js'
import { sharedVerifierModel } from '../cache/verify/learned-model.js'
import { QueryVerifier } from '../cache/verify/verifier.js'
import { loadConfigFile, parseConfigText } from '../config/load.js'
import type { RouterConfig } from '../config/schema/index.js'
import { silentLogger } from '../log.js'
import { RouterMetrics } from '../metrics/router-metrics.js'
import { EMBEDDED_MODELS } from '../ml/embedded.js'
import { runCachePairs, type CachePair, type PairReport } from './cache-pairs.js'
import { corpusCachePairs } from './paraphrase-corpus.js'

const BENCH_DATA = join(import.meta.dirname, '..', '..', 'bench', 'cache', 'data')

/** The sets every report covers: name → pairs. */
export function cacheEvalSets(): Record<string, CachePair[]> {
  const bench = (file: string) =>
    readFileSync(join(BENCH_DATA, file), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as CachePair)
  return {
    'paraphrase corpus, test split': corpusCachePairs('test'),
    'bench/cache/data/pairs.dev.jsonl': bench('pairs.dev.jsonl'),
    'bench/cache/data/pairs.test.jsonl': bench('pairs.test.jsonl'),
  }
}

export interface CacheEvalReport {
  readonly embedder: string
  readonly similarity_threshold: number
  readonly verification: string
  readonly min_confidence?: number
  readonly sets: Record<string, { end_to_end: PairReport; guard_only: PairReport }>
}

export async function evaluateCache(
  options: { config?: string; threshold?: number } = {},
): Promise<CacheEvalReport> {
  const config: RouterConfig = options.config
    ? (await loadConfigFile(options.config)).config
    : parseConfigText('{}').config
  const v = config.semantic_cache.verification
  const model =
    v.enabled && v.method === 'learned'
      ? sharedVerifierModel(EMBEDDED_MODELS.cacheVerifier)
      : undefined
  const verifier = new QueryVerifier(v, model)
  const threshold =
    options.threshold ?? config.semantic_cache.similarity_threshold ?? config.bert_model.threshold
  const services = await createRuntimeServices(config, {
    log: silentLogger(),
    metrics: new RouterMetrics(),
    baseDir: process.cwd(),
  })
  const embedder = await services.embedder()
  const sets: CacheEvalReport['sets'] = {}
  try {
    for (const [name, pairs] of Object.entries(cacheEvalSets()))
      sets[name] = {
        end_to_end: await runCachePairs(pairs, { embedder, verifier, threshold }),
        guard_only: await runCachePairs(pairs, { verifier }),
      }
  } finally {
    await services.close()
  }
  return {
    embedder: embedder.model,
    similarity_threshold: threshold,
    verification: v.enabled ? verifier.method : 'off',
    ...(model ? { min_confidence: v.min_confidence ?? model.threshold } : {}),
    sets,
  }
}

export function formatCacheReport(r: CacheEvalReport): string {
  const lines = [
    `semantic cache: embedder ${r.embedder}, similarity ≥ ${r.similarity_threshold}, verification ${r.verification}${r.min_confidence === undefined ? '' : ` (confidence ≥ ${r.min_confidence})`}`,
  ]
  for (const [name, s] of Object.entries(r.sets)) {
    const e = s.end_to_end
    lines.push(
      `  ${name}`,
      `    end to end  paraphrase hits ${e.hits}/${e.paraphrases} (${pct(e.paraphrase_hit_rate)}), false hits ${e.false_hits}/${e.hard_negatives} hard negatives, ${e.wrong_entry} wrong entries`,
      `    guard only  paraphrases accepted ${s.guard_only.hits}/${s.guard_only.paraphrases}, hard negatives accepted ${s.guard_only.false_hits}/${s.guard_only.hard_negatives}`,
      `    false hits by kind  ${Object.entries(e.by_kind)
        .map(([k, c]) => `${k} ${c.false_hits}/${c.pairs}`)
        .join(', ')}`,
    )
  }
  return lines.join('\n')
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`
}
