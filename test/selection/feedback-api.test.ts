/**
 * POST /api/v1/feedback and the learned-scores export/import, on a real router in front of a
 * simulator: a bandit decision learns which model answers well from ratings sent over HTTP;
 * feedback is refused for unknown ids and for another caller's requests; scores export, import
 * and seed from `eval models` output; a config reload keeps them.
 */
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { seededRandom } from '../../src/seeded-random.js'
import type { Simulator } from '../../src/simulator/index.js'
import { postJson, startRouter, startSim, type Json, type TestRouter } from '../helpers/router.js'

const yaml = (port: number, extra = '') => `
version: v0.3
providers:
  defaults: { default_model: good }
  models:
    - { name: weak, backend_refs: [{ name: a, endpoint: "127.0.0.1:${port}" }] }
    - { name: good, backend_refs: [{ name: a, endpoint: "127.0.0.1:${port}" }] }
routing:
  modelCards: [{ name: weak }, { name: good }]
  decisions:
    - name: learned
      priority: 1
      modelRefs: [{ model: weak }, { model: good }]
      algorithm: { type: bandit, bandit: { seed: 7, max_exploration: 0.2 } }
${extra}`

describe('feedback API', () => {
  let sim: Simulator
  let router: TestRouter
  before(async () => {
    sim = await startSim({ models: ['weak', 'good'] })
    router = await startRouter(yaml(sim.port))
  })
  after(async () => {
    await router?.close()
    await sim?.close()
  })

  async function chat(auth?: string): Promise<{ id: string; model: string }> {
    const res = await fetch(`${router.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
      body: JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content: 'hello' }] }),
    })
    await res.arrayBuffer()
    assert.equal(res.status, 200)
    return { id: res.headers.get('x-request-id')!, model: res.headers.get('x-vsr-selected-model')! }
  }

  const feedback = (body: unknown, headers: Record<string, string> = {}) =>
    postJson(`${router.apiUrl}/api/v1/feedback`, body, headers)

  it('a bandit learns the better model from ratings sent over HTTP', async () => {
    const draw = seededRandom(3)
    const picks: string[] = []
    for (let i = 0; i < 120; i++) {
      const { id, model } = await chat()
      picks.push(model)
      const good = draw() < (model === 'good' ? 0.9 : 0.3)
      const res = await feedback({ request_id: id, rating: good ? 1 : 0, label: 'test' })
      assert.equal(res.status, 200, res.text)
      assert.deepEqual(res.json, {
        applied: true,
        request_id: id,
        recipe: 'default',
        decision: 'learned',
        models: [model],
      })
    }
    const late = picks.slice(-40).filter((m) => m === 'good').length
    assert.ok(late >= 30, `good got ${late} of the last 40`)
    const metrics = await router.metricsText()
    assert.match(metrics, /llm_selection_feedback_total\{decision="learned",kind="rating"\} 120/)
    assert.match(
      metrics,
      /llm_selection_model_score\{decision="learned",model="good",kind="success"\} 0\.[6-9]/,
    )
  })

  it('takes a pairwise preference between two requests of the decision', async () => {
    let a = await chat()
    let b = await chat()
    for (let i = 0; i < 20 && a.model === b.model; i++) b = await chat()
    if (a.model === b.model) a = { ...a } // both the same model: still accepted, nothing to learn
    const res = await feedback({
      request_id: a.id,
      preference: { other_request_id: b.id, outcome: 'win' },
    })
    assert.equal(res.status, 200, res.text)
    assert.equal(res.json.decision, 'learned')
  })

  it('refuses unknown ids, another caller’s requests, and bodies without one judgement', async () => {
    const unknown = await feedback({ request_id: 'no-such-request', rating: 1 })
    assert.equal(unknown.status, 404)
    assert.equal(unknown.json.error.code, 'REQUEST_NOT_FOUND')
    const mine = await chat('Bearer sk-alice')
    const theirs = await feedback(
      { request_id: mine.id, rating: 0 },
      { authorization: 'Bearer sk-mallory' },
    )
    assert.equal(theirs.status, 404)
    const own = await feedback(
      { request_id: mine.id, rating: 1 },
      { authorization: 'Bearer sk-alice' },
    )
    assert.equal(own.status, 200)
    const both = await feedback({
      request_id: mine.id,
      rating: 1,
      preference: { other_request_id: mine.id, outcome: 'tie' },
    })
    assert.equal(both.status, 400)
    assert.match(both.json.error.message, /^rating .*give exactly one of rating and preference/)
    const range = await feedback({ request_id: mine.id, rating: 2 })
    assert.equal(range.status, 400)
  })

  it('exports, imports, seeds from eval output, and keeps scores across a reload', async () => {
    const exported = (await (
      await fetch(`${router.apiUrl}/api/v1/selection/scores`)
    ).json()) as Json
    assert.equal(exported.version, 1)
    const learned = exported.decisions.find((d: Json) => d.decision === 'learned')
    assert.ok(learned.models.good.feedback > 0)
    assert.ok(learned.models.good.mean > learned.models.weak.mean)

    // A reload builds a new runtime over the same state store.
    await writeFile(router.configPath, yaml(sim.port, '# reloaded\n'))
    await router.app.reload()
    const after = (await (await fetch(`${router.apiUrl}/api/v1/selection/scores`)).json()) as Json
    const again = after.decisions.find((d: Json) => d.decision === 'learned')
    assert.deepEqual(again.models, learned.models)

    // Seed from `eval models` output: the category named like the decision.
    const put = await fetch(`${router.apiUrl}/api/v1/selection/scores`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        results: {
          learned: [
            { model: 'weak', questions: 50, score: 0.9 },
            { model: 'good', questions: 50, score: 0.2 },
          ],
        },
      }),
    })
    assert.equal(put.status, 200)
    assert.deepEqual(await put.json(), { imported: 2, decisions: 1 })
    const seeded = (await (await fetch(`${router.apiUrl}/api/v1/selection/scores`)).json()) as Json
    const s = seeded.decisions.find((d: Json) => d.decision === 'learned').models
    assert.equal(s.weak.alpha, 1 + 45)
    assert.ok(s.weak.rating > 1500 && s.good.rating < 1500)

    // And the export imports back unchanged.
    const back = await fetch(`${router.apiUrl}/api/v1/selection/scores`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(exported),
    })
    assert.equal(back.status, 200)
    const restored = (await (
      await fetch(`${router.apiUrl}/api/v1/selection/scores`)
    ).json()) as Json
    assert.deepEqual(
      restored.decisions.find((d: Json) => d.decision === 'learned').models,
      learned.models,
    )
  })
})
