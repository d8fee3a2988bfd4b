/**
 * Hit rate on paraphrases and false-hit rate on hard negatives, at the default settings.
 *
 *   node --import tsx bench/cache/eval-pairs.ts                    # real embedder, default threshold
 *   node --import tsx bench/cache/eval-pairs.ts --guard-only       # the verification step alone
 *   node --import tsx bench/cache/eval-pairs.ts --threshold 0.7 --config config/config.yaml
 *   node --import tsx bench/cache/eval-pairs.ts --sets corpus-test # the paraphrase corpus's test split
 *
 * End-to-end mode runs the real SemanticCache (memory backend, real embedder from the config's
 * bert_model, real false-hit guard): every distinct `a` question of a set is stored, then every `b`
 * question is looked up (src/eval/cache-pairs.ts). A paraphrase counts as a hit only if it returns
 * its own `a`; any other returned entry is a false hit, and so is any hit for a hard negative.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createRuntimeServices } from '../../src/assembly/build-services.js'
import { sharedVerifierModel } from '../../src/cache/verify/learned-model.js'
import { QueryVerifier } from '../../src/cache/verify/verifier.js'
import { loadConfigFile, parseConfigText } from '../../src/config/load.js'
import { runCachePairs, type CachePair } from '../../src/eval/cache-pairs.js'
import { corpusCachePairs } from '../../src/eval/paraphrase-corpus.js'
import { silentLogger } from '../../src/log.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import { EMBEDDED_MODELS } from '../../src/ml/embedded.js'

const { values: args } = parseArgs({
  options: {
    'guard-only': { type: 'boolean', default: false },
    threshold: { type: 'string' },
    config: { type: 'string' },
    sets: { type: 'string', default: 'pairs.dev.jsonl,pairs.test.jsonl,corpus-test' },
  },
})

function load(set: string): CachePair[] {
  if (set === 'corpus-test') return corpusCachePairs('test')
  return readFileSync(join(import.meta.dirname, 'data', set), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as CachePair)
}

const config = args.config
  ? (await loadConfigFile(args.config)).config
  : parseConfigText('{}').config
const v = config.semantic_cache.verification
const verifier = new QueryVerifier(
  v,
  v.enabled && v.method === 'learned'
    ? sharedVerifierModel(EMBEDDED_MODELS.cacheVerifier)
    : undefined,
)
const threshold = Number(
  args.threshold ?? config.semantic_cache.similarity_threshold ?? config.bert_model.threshold,
)
const report: Record<string, unknown> = {
  benchmark: 'semantic-cache-pairs',
  mode: args['guard-only'] ? 'guard-only' : 'end-to-end',
  command: `node --import tsx bench/cache/eval-pairs.ts ${process.argv.slice(2).join(' ')}`,
  date: new Date().toISOString(),
  threshold: args['guard-only'] ? null : threshold,
  verification: { ...v, method: verifier.method },
}
const services = await createRuntimeServices(config, {
  log: silentLogger(),
  metrics: new RouterMetrics(),
  baseDir: process.cwd(),
})
try {
  const embedder = args['guard-only'] ? undefined : await services.embedder()
  if (embedder) report['embedder'] = { kind: embedder.kind, model: embedder.model }
  for (const set of args.sets.split(','))
    report[set] = await runCachePairs(
      load(set),
      embedder ? { embedder, verifier, threshold } : { verifier },
    )
} finally {
  await services.close()
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
