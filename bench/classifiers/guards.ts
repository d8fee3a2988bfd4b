/**
 * In-process latency of the embedded guards, one call at a time on one thread (run it under
 * `taskset -c 0` to pin one core): the jailbreak detector (rules + embedded classifier, and the
 * rules alone side by side), PII validators, and the full guard chain a routed
 * request pays — category classification (the runtime's classifier chain built from the config) +
 * jailbreak + PII. Inputs: every prompt of the labelled sets (training/data/guards), cycled.
 * Also 100 kB inputs and the RSS the detectors add, and — side by side on the same held-out set —
 * a peer: llm-guard (npm, MIT; its jailbreak + prompt-injection pattern guards), for detection
 * quality and latency. Prints one JSON document.
 *
 *   node --import tsx bench/classifiers/guards.ts [--config config/config.yaml] [--passes 20]
 */
import { parseArgs } from 'node:util'
import { LLMGuard } from 'llm-guard'
import { loadConfigFile } from '../../src/config/load.js'
import { evaluateJailbreakExamples, GUARD_SETS } from '../../src/eval/guards/evaluate.js'
import { loadJailbreakSet } from '../../src/eval/guards/jailbreak-data.js'
import { loadPiiSet } from '../../src/eval/guards/pii-data.js'
import { RuleJailbreakDetector } from '../../src/guards/jailbreak/rule-detector.js'
import { silentLogger } from '../../src/log.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import { buildRuntime } from '../../src/assembly/build-runtime.js'

const { values } = parseArgs({
  options: {
    config: { type: 'string', default: 'config/config.yaml' },
    passes: { type: 'string', default: '20' },
  },
})
const passes = Number(values.passes)

interface Stats {
  calls: number
  p50_ms: number
  p90_ms: number
  p99_ms: number
  mean_ms: number
  max_ms: number
}

function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b)
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!
  const round = (ms: number) => Math.round(ms * 1e4) / 1e4
  const mean = s.reduce((a, b) => a + b, 0) / s.length
  return {
    calls: s.length,
    p50_ms: round(at(0.5)),
    p90_ms: round(at(0.9)),
    p99_ms: round(at(0.99)),
    mean_ms: round(mean),
    max_ms: round(s.at(-1)!),
  }
}

async function measure(texts: readonly string[], run: (t: string) => Promise<unknown>) {
  for (const t of texts) await run(t) // warm-up: JIT, lazy tables
  const samples: number[] = []
  for (let p = 0; p < passes; p++)
    for (const t of texts) {
      const start = process.hrtime.bigint()
      await run(t)
      samples.push(Number(process.hrtime.bigint() - start) / 1e6)
    }
  return stats(samples)
}

const prompts = [
  ...loadJailbreakSet(GUARD_SETS.jailbreakTrain),
  ...loadJailbreakSet(GUARD_SETS.jailbreakTest),
].map((e) => e.text)
const piiTexts = [...loadPiiSet(GUARD_SETS.piiDev), ...loadPiiSet(GUARD_SETS.piiTest)].map(
  (e) => e.text,
)
const mixed = [...prompts, ...piiTexts]

global.gc?.()
const rssBefore = process.memoryUsage().rss
const loaded = await loadConfigFile(values.config)
const config = { ...loaded.config, prompt_guard: { ...loaded.config.prompt_guard, enabled: true } }
const runtime = await buildRuntime(
  { ...loaded, config },
  { log: silentLogger(), metrics: new RouterMetrics() },
)
const jailbreak = (await runtime.services.jailbreakDetector())!
const rulesOnly = new RuleJailbreakDetector()
const pii = (await runtime.services.piiDetector())!
await jailbreak.detect('warm up')
await pii.detect('warm up 212-555-0187 on March 3, 2025')
global.gc?.()
const rssAfter = process.memoryUsage().rss

const big =
  `${'The quick brown fox emailed jane@example.com about the report on March 3, 2025. '.repeat(1250)}`.slice(
    0,
    100_000,
  )

const result = {
  bench: 'classifiers/guards',
  date: new Date().toISOString(),
  node: process.version,
  config: values.config,
  category_classifiers: runtime.pipeline.classifiers.kinds,
  passes,
  inputs: { prompts: prompts.length, pii_texts: piiTexts.length },
  jailbreak: { detector: jailbreak.kind, ...(await measure(mixed, (t) => jailbreak.detect(t))) },
  pii: { detector: pii.kind, ...(await measure(mixed, (t) => pii.detect(t))) },
  chain: await measure(mixed, async (t) => {
    await runtime.pipeline.classifyText(t)
    await jailbreak.detect(t)
    await pii.detect(t)
  }),
  // Before/after the embedded jailbreak classifier, same run: the rules alone in the same chain.
  rules_only: {
    jailbreak: await measure(mixed, (t) => rulesOnly.detect(t)),
    chain: await measure(mixed, async (t) => {
      await runtime.pipeline.classifyText(t)
      await rulesOnly.detect(t)
      await pii.detect(t)
    }),
  },
  input_100kB: {
    jailbreak: await measure([big], (t) => jailbreak.detect(t)),
    pii: await measure([big], (t) => pii.detect(t)),
  },
  rss_added_mb: Math.round(((rssAfter - rssBefore) / 1048576) * 10) / 10,
}
// Peer, side by side: llm-guard's pattern guards wrapped as a detector (flagged = not valid).
const peerGuard = new LLMGuard({ jailbreak: true, promptInjection: true })
const peer = {
  kind: 'llm-guard',
  async detect(text: string) {
    const r = await peerGuard.validate(text)
    return {
      isJailbreak: !r.isValid,
      label: r.isValid ? 'benign' : 'jailbreak',
      confidence: 1,
      source: 'llm-guard',
    }
  },
}
const heldOut = loadJailbreakSet(GUARD_SETS.jailbreakTest)
const quality = async (d: typeof peer | typeof jailbreak) => {
  const r = await evaluateJailbreakExamples(d, heldOut, 0.7)
  return { recall: r.recall, fpr: r.falsePositiveRate, hard_fpr: r.hardFalsePositiveRate }
}
const peerLatency = await measure(mixed, (t) => peer.detect(t))
const ours = { ...(await quality(jailbreak)), p50_ms: result.jailbreak.p50_ms }
const theirs = { ...(await quality(peer)), p50_ms: peerLatency.p50_ms }
const sideBySide = {
  held_out: 'training/data/guards/jailbreak-test.tsv',
  ours,
  llm_guard: { ...theirs, latency: peerLatency },
  ratios: {
    recall_ours_over_peer: Math.round((ours.recall / Math.max(theirs.recall, 1e-9)) * 100) / 100,
    p50_ours_over_peer: Math.round((ours.p50_ms / theirs.p50_ms) * 100) / 100,
  },
}
await runtime.close()
const chainRatio = Math.round((result.chain.p50_ms / result.rules_only.chain.p50_ms) * 100) / 100
Object.assign(result, {
  peer_jailbreak: sideBySide,
  chain_p50_with_model_over_rules_only: chainRatio,
})
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
