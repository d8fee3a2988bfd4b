/**
 * One reasoning effort per request, wherever a user looks: the response header, the request the
 * model received, `llm_reasoning_decisions_total`, the `routing_decision` log and the `classify`
 * CLI's answer agree — for reasoning on, for GPT-OSS with reasoning off (it cannot switch reasoning
 * off, so it gets `low`), and for template families with reasoning off (no effort anywhere).
 * Bundled config, real router, embedded models, one simulator.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { describeOutcome } from '../../src/pipeline/preview.js'
import { metricValue } from '../helpers/extproc.js'
import {
  BUNDLED_MODELS,
  bundledConfig,
  postJson,
  useSimulatedRouter,
  type Json,
} from '../helpers/router.js'
import { makeRuntime, meta, chatBody, type TestRuntime } from '../helpers/runtime.js'

/** question → [model, reasoning header, effort in effect (undefined = none)] */
const CASES: [string, string, string, string | undefined][] = [
  ['Why do countries impose tariffs?', 'gpt-oss-20b', 'off', 'low'],
  ['Can my landlord keep my security deposit?', 'gpt-oss-20b', 'on', 'high'],
  ['Solve 3x + 7 = 22 for x.', 'deepseek-v31', 'on', 'medium'],
  ['Why do people procrastinate?', 'qwen3-8b', 'off', undefined],
]

describe('reasoning effort: one value everywhere', () => {
  // The cache would answer a repeated question without a reasoning decision.
  const config = (port: number) => bundledConfig(port, [[['semantic_cache', 'enabled'], false]])
  const t = useSimulatedRouter(BUNDLED_MODELS, config)
  let cli: TestRuntime

  before(async () => {
    cli = await makeRuntime(config(t.sim.port))
  })

  after(async () => {
    await cli?.runtime.close()
  })

  for (const [question, model, reasoning, effort] of CASES) {
    it(`${model}, reasoning ${reasoning}: effort ${effort ?? 'none'}`, async () => {
      t.sim.clearReceived()
      const r = await postJson(`${t.router.gatewayUrl}/v1/chat/completions`, {
        model: 'MoM',
        messages: [{ role: 'user', content: question }],
      })
      assert.equal(r.status, 200, r.text)
      assert.equal(r.headers.get('x-vsr-selected-model'), model)
      assert.equal(r.headers.get('x-vsr-selected-reasoning'), reasoning)
      assert.equal(r.headers.get('x-vsr-selected-reasoning-effort'), effort ?? null)

      const sent: Json = t.sim.receivedChats().at(-1)!.json
      if (model === 'gpt-oss-20b') assert.equal(sent.reasoning_effort, effort)
      else assert.equal(sent.reasoning_effort, undefined)

      const id = r.headers.get('x-request-id')
      const decision = t.router.events('routing_decision').find((l) => l['request_id'] === id)
      assert.equal(decision?.['reasoning_effort'], effort ?? '')

      const metrics = await t.router.metricsText()
      const labels = { model, enabled: String(reasoning === 'on') }
      assert.ok(
        metricValue(metrics, 'llm_reasoning_decisions_total', {
          ...labels,
          effort: effort ?? 'unspecified',
        }) >= 1,
      )

      const outcome = await cli.runtime.pipeline.handleRequest(chatBody(question), meta())
      const printed = describeOutcome(outcome) as { reasoning: { effort: string | null } }
      assert.equal(printed.reasoning.effort, effort ?? null)
    })
  }
})
