/**
 * Hit rate on paraphrases and false-hit rate on hard negatives, at the default settings.
 *
 *   node --import tsx bench/cache/eval-pairs.ts                    # real embedder, default threshold
 *   node --import tsx bench/cache/eval-pairs.ts --guard-only       # the verification step alone
 *   node --import tsx bench/cache/eval-pairs.ts --threshold 0.7 --config config/config.yaml
 *
 * End-to-end mode runs the real SemanticCache (memory backend, real embedder from the config's
 * bert_model, real false-hit guard): every distinct `a` question of a set is stored, then every `b`
 * question is looked up. A paraphrase counts as a hit only if it returns its own `a`; any other
 * returned entry is a false hit, and so is any hit for a hard negative.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { MemoryBackend } from '../../src/cache/memory/memory-backend.js'
import { SemanticCache } from '../../src/cache/semantic-cache.js'
import { QueryVerifier } from '../../src/cache/verify/verifier.js'
import { loadConfigFile, parseConfigText } from '../../src/config/load.js'
import { memoryBackendSchema } from '../../src/cache/memory/options.js'
import { silentLogger } from '../../src/log.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import { createRuntimeServices } from '../../src/assembly/build-services.js'

const { values: args } = parseArgs({
  options: {
    'guard-only': { type: 'boolean', default: false },
    threshold: { type: 'string' },
    config: { type: 'string' },
    sets: { type: 'string', default: 'pairs.dev.jsonl,pairs.test.jsonl' },
    verbose: { type: 'boolean', default: false },
  },
})

interface Pair {
  id: string
  label: 'paraphrase' | 'hard_negative'
  kind: string
  a: string
  b: string
}

/** The same question written with other case or punctuation counts as the same entry. */
function same(a: string | undefined, b: string): boolean {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()
  return a !== undefined && norm(a) === norm(b)
}

function load(file: string): Pair[] {
  return readFileSync(join(import.meta.dirname, 'data', file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Pair)
}

const loaded = args.config ? await loadConfigFile(args.config) : parseConfigText('{}')
const config = loaded.config
const verifier = new QueryVerifier(config.semantic_cache.verification)
const threshold = Number(
  args.threshold ?? config.semantic_cache.similarity_threshold ?? config.bert_model.threshold,
)

const report: Record<string, unknown> = {
  benchmark: 'semantic-cache-pairs',
  mode: args['guard-only'] ? 'guard-only' : 'end-to-end',
  command: `node --import tsx bench/cache/eval-pairs.ts ${process.argv.slice(2).join(' ')}`,
  date: new Date().toISOString(),
  threshold: args['guard-only'] ? null : threshold,
  verification: config.semantic_cache.verification,
}

const metrics = new RouterMetrics()
const log = silentLogger()
const services = await createRuntimeServices(config, { log, metrics, baseDir: process.cwd() })
const embedder = args['guard-only'] ? undefined : await services.embedder()
if (embedder) report['embedder'] = { kind: embedder.kind, model: embedder.model }

for (const file of args.sets.split(',')) {
  const pairs = load(file)
  const counts = { paraphrases: 0, hits: 0, wrong_entry: 0, hard_negatives: 0, false_hits: 0 }
  const misses: string[] = []
  const falseHits: string[] = []
  let lookup: (b: string) => Promise<string | undefined>
  if (embedder === undefined) {
    lookup = (b) => Promise.resolve(b)
  } else {
    const backend = new MemoryBackend(
      {
        dimension: embedder.dimension,
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
      metrics,
      log,
    )
    const questions = [...new Set(pairs.map((p) => p.a))]
    const vectors = await embedder.embed(questions)
    for (const [i, q] of questions.entries())
      await cache.store({
        model: 'm',
        context: '',
        query: q,
        embedding: vectors[i]!,
        response: q,
        ttlSeconds: 0,
      })
    lookup = async (b) => {
      const [v] = await embedder.embed([b])
      const out = await cache.lookup(
        { model: 'm', context: '', query: b, embedding: v!, threshold },
        verifier,
      )
      return out.kind === 'hit' ? out.entry.response : undefined
    }
  }
  for (const p of pairs) {
    const answer =
      embedder === undefined ? (verifier.verify(p.b, p.a).ok ? p.a : undefined) : await lookup(p.b)
    if (p.label === 'paraphrase') {
      counts.paraphrases++
      if (same(answer, p.a)) counts.hits++
      else if (answer !== undefined) {
        counts.wrong_entry++
        falseHits.push(p.id)
      } else misses.push(p.id)
    } else {
      counts.hard_negatives++
      if (answer !== undefined) {
        counts.false_hits++
        falseHits.push(p.id)
      }
    }
  }
  report[file] = {
    ...counts,
    paraphrase_hit_rate: round(counts.hits / counts.paraphrases),
    hard_negative_false_hit_rate: round(counts.false_hits / counts.hard_negatives),
    missed_paraphrases: misses,
    false_hit_ids: falseHits,
  }
}
await services.close()
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}
