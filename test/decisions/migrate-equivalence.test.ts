/**
 * A classic config and its migrated v0.3 form (`semantic-router config migrate`) make the same
 * decisions: on a corpus of prompts (the 84 sample MMLU-Pro questions, keyword- and
 * embedding-rule prompts, everyday requests, jailbreak attempts), both runtimes — real classifier,
 * real embedder, real jailbreak detector — pick the same decision, the same model and endpoint,
 * send the same body upstream (system prompt, reasoning fields) and apply the same cache policy,
 * or both block.
 *
 * One classic behaviour has no v0.3 form: when the category model is unsure, classic reasoning
 * follows the entropy of its distribution (upstream's classic algorithm); v0.3 reasoning follows
 * each decision's modelRefs. For those prompts the reasoning fields are compared separately and
 * the difference is counted, not hidden.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parse as parseYaml, stringify } from 'yaml'
import { parseRouterConfig } from '../../src/assembly/load-config.js'
import { migrateClassic } from '../../src/decisions/migrate/migrate.js'
import { FALLBACK_DECISION, JAILBREAK_DECISION } from '../../src/decisions/migrate/routing.js'
import type { RequestOutcome } from '../../src/pipeline/types.js'
import { makeRuntime, meta, type TestRuntime } from '../helpers/runtime.js'

const ROOT = join(import.meta.dirname, '..', '..')

/** The bundled config's routing, plus embedding rules, the guard and a per-category cache TTL. */
function classicConfig(): string {
  const doc = parseYaml(readFileSync(join(ROOT, 'config', 'config.yaml'), 'utf8'), {
    version: '1.1',
  }) as Record<string, Record<string, unknown>>
  // A model's PII policy re-routes inside the category; v0.3 has no form for it (migrate says so).
  delete (doc['model_config']!['gpt-oss-20b'] as Record<string, unknown>)['pii_policy']
  doc['embedding_rules'] = [
    {
      category: 'health',
      threshold: 0.55,
      aggregation_method: 'max',
      keywords: ['my doctor prescribed a medication', 'symptoms of a cold'],
    },
    {
      category: 'business',
      threshold: 0.6,
      aggregation_method: 'mean',
      keywords: ['quarterly revenue report', 'marketing budget plan'],
    },
  ] as unknown as Record<string, unknown>
  doc['prompt_guard'] = { ...doc['prompt_guard'], enabled: true, threshold: 0.7 }
  doc['semantic_cache'] = {
    ...doc['semantic_cache'],
    enabled: true,
    backend_type: 'memory',
    coalesce_wait_ms: 0,
    category_ttl_seconds: { math: 120 },
  }
  return stringify(doc)
}

const CLASSIC = classicConfig()

const SAMPLE = readFileSync(join(ROOT, 'bench', 'datasets', 'sample-mmlu-pro.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => (JSON.parse(l) as { question: string }).question)

const JAILBREAKS = (
  JSON.parse(
    readFileSync(join(ROOT, 'test', 'fixtures', 'guards', 'jailbreak-vectors.json'), 'utf8'),
  ) as { text: string; expected: { label: string } }[]
)
  .filter((v) => v.expected.label === 'jailbreak')
  .slice(0, 6)
  .map((v) => v.text)

const HANDWRITTEN = [
  'Why does my python script raise a KeyError on this dict?',
  'Write a regex that matches ISO dates',
  'My docker container exits immediately, what can I check?',
  'Compute the integral of x squared from 0 to 3',
  'What is the derivative of sin(x) times x?',
  'A python function to compute a derivative numerically',
  'My doctor prescribed a new medication, what should I ask about side effects?',
  'What are the usual symptoms of a cold and how long do they last?',
  'Help me draft a quarterly revenue report for the board',
  'How should I split a small marketing budget across channels?',
  'hello',
  'Thanks, that was helpful!',
  'Tell me a joke about penguins',
  'What should I cook tonight with rice and beans?',
  'Plan a three day trip to Lisbon',
  'How do contracts become legally binding?',
  'Explain supply and demand with an example',
  'Why did the Roman Empire fall?',
  'How does memory consolidation work during sleep?',
  'Balance the equation for burning methane',
]

const CORPUS = [...SAMPLE, ...HANDWRITTEN, ...JAILBREAKS]

/** What must be the same on both sides. */
interface Verdict {
  readonly action: RequestOutcome['action']
  readonly decision: string
  readonly model?: string
  readonly endpoint?: string
  readonly messages?: unknown
  readonly reasoning?: unknown
  readonly cache?: unknown
}

const UNSURE = new Set([
  'entropy:very_high_uncertainty_conservative_default',
  'entropy:high_uncertainty_weighted_decision',
  'entropy:medium_uncertainty_weighted',
])

function verdict(outcome: RequestOutcome, classic: boolean): Verdict {
  const ctx = outcome.ctx
  const name = ctx.decision?.decision?.name ?? (classic ? FALLBACK_DECISION : '')
  if (outcome.action === 'respond') {
    // Classic: the guard module answers; v0.3: the jailbreak_block decision's fast response.
    const blocked = classic
      ? outcome.response.kind === 'jailbreak_block'
      : name === JAILBREAK_DECISION && outcome.response.kind === 'fast_response'
    return { action: 'respond', decision: blocked ? 'blocked' : `${outcome.response.kind}:${name}` }
  }
  const body = JSON.parse(outcome.body.toString()) as Record<string, unknown>
  const decision = ctx.decision?.decision
  const cache = decision ? decision.plugins.cache : classic ? { enabled: true } : undefined
  return {
    action: 'forward',
    decision: name,
    model: body['model'] as string,
    endpoint: ctx.endpoint?.hostPort ?? '',
    messages: body['messages'],
    reasoning: { kwargs: body['chat_template_kwargs'], effort: body['reasoning_effort'] },
    cache,
  }
}

describe('a classic config and its migrated v0.3 form decide alike', () => {
  let classic: TestRuntime
  let migrated: TestRuntime
  let migratedText: string

  before(async () => {
    const loaded = parseRouterConfig(CLASSIC)
    const { document } = migrateClassic(
      loaded.config,
      parseYaml(CLASSIC, { version: '1.1' }) as Record<string, unknown>,
    )
    migratedText = stringify(document, { lineWidth: 0 })
    classic = await makeRuntime(CLASSIC)
    migrated = await makeRuntime(migratedText)
  })
  after(async () => {
    await classic.runtime.close()
    await migrated.runtime.close()
  })

  it('writes a v0.3 document that loads without warnings', () => {
    const loaded = parseRouterConfig(migratedText)
    assert.ok(loaded.config.v03)
    assert.deepEqual(loaded.warnings, [])
    assert.equal(loaded.config.v03.routing.decisions.length, 14 + 2, 'categories, guard, fallback')
  })

  it(`routes ${CORPUS.length} prompts the same way`, async (t) => {
    let unsure = 0
    let reasoningDiffers = 0
    const seen = new Set<string>()
    for (const text of CORPUS) {
      const body = Buffer.from(
        JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content: text }] }),
      )
      const a = await classic.runtime.pipeline.handleRequest(body, meta())
      const b = await migrated.runtime.pipeline.handleRequest(body, meta())
      const va = verdict(a, true)
      const vb = verdict(b, false)
      seen.add(va.decision)
      const isUnsure = UNSURE.has(a.ctx.reasoning?.reason ?? '')
      if (isUnsure) {
        unsure++
        if (JSON.stringify(va.reasoning) !== JSON.stringify(vb.reasoning)) reasoningDiffers++
        assert.deepEqual({ ...vb, reasoning: null }, { ...va, reasoning: null }, text)
      } else assert.deepEqual(vb, va, text)
    }
    // The corpus reaches keyword, embedding and model decisions, the guard and the fallback.
    for (const d of ['computer science', 'math', 'health', 'business', FALLBACK_DECISION])
      assert.ok(seen.has(d), `the corpus reaches ${d}`)
    assert.ok(seen.has('blocked'), 'the jailbreak attempts are blocked on both sides')
    // Where the category model is unsure, classic reasoning follows the entropy (documented).
    t.diagnostic(
      `${unsure} of ${CORPUS.length} prompts unsure; reasoning fields differ on ${reasoningDiffers}`,
    )
    assert.ok(unsure < CORPUS.length / 2, `${unsure} unsure classifications`)
  })
})
