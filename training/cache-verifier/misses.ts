/**
 * Where the cache's reworded repeats are lost (docs/semantic-cache.md "Where the misses are"): reads
 * the lookups `train.ts --dump FILE` writes (each looked-up text with its four most similar cached
 * requests and the verifier's probability for each) and sorts the rewordings of one split into
 * hit, retrieval miss, check, low probability, under the threshold, or another request accepted.
 *
 *   node --import tsx training/cache-verifier/train.ts --out /tmp/cv --dump /tmp/dump.json
 *   node --import tsx training/cache-verifier/misses.ts /tmp/dump.json [--split dev|train]
 *
 * `train` is the out-of-bag pool (each training rewording scored by the forest that never saw its
 * group). Defaults: the bundled similarity 0.45 and min_confidence 0.63.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

interface Candidate {
  readonly request: string
  readonly similarity: number
  readonly probability: number
}

interface DumpedLookup {
  /** The cached request of the looked-up text's own group. */
  readonly a: string
  readonly paraphrase: boolean
  readonly split: 'dev' | 'train'
  readonly ranked: readonly Candidate[]
}

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    split: { type: 'string', default: 'dev' },
    similarity: { type: 'string', default: '0.45' },
    threshold: { type: 'string', default: '0.63' },
  },
})
if (positionals.length !== 1) throw new Error('usage: misses.ts <dump.json> [--split dev|train]')
const similarity = Number(args.similarity)
const threshold = Number(args.threshold)

const counts = {
  rewordings: 0,
  hit: 0,
  retrieval: 0,
  check: 0,
  below_0_3: 0,
  below_threshold: 0,
  another_request_accepted: 0,
}
const lookups = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as DumpedLookup[]
for (const l of lookups) {
  if (l.split !== args.split || !l.paraphrase) continue
  counts.rewordings++
  // What the cache would consider: up to 4 entries at or above the similarity threshold.
  const considered = l.ranked.filter((c) => c.similarity >= similarity).slice(0, 4)
  const own = considered.find((c) => c.request === l.a)
  if (considered.some((c) => c.request !== l.a && c.probability >= threshold))
    counts.another_request_accepted++
  else if (own === undefined) counts.retrieval++
  else if (own.probability >= threshold) counts.hit++
  // A check (veto or precise check) answers probability 0.
  else if (own.probability === 0) counts.check++
  else if (own.probability < 0.3) counts.below_0_3++
  else counts.below_threshold++
}
process.stdout.write(
  `${JSON.stringify({ split: args.split, similarity, threshold, ...counts }, null, 1)}\n`,
)
