/**
 * A/B between two decisions: a `split` signal sends a sticky 20 % of users to a treatment
 * decision (its own model and system prompt); the rest stay on control. The same user always gets
 * the same decision, through the gateway and ext_proc alike.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { forwardToDestination } from '../helpers/envoy.js'
import { useBothTransports } from '../helpers/router.js'

const config = (port: number) => `
version: v0.3
providers:
  defaults: { default_model: base }
  models:
    - { name: base, backend_refs: [{ name: s, endpoint: "127.0.0.1:${port}" }] }
    - { name: tuned, backend_refs: [{ name: s, endpoint: "127.0.0.1:${port}" }] }
routing:
  modelCards: [{ name: base }, { name: tuned }]
  signals:
    splits:
      - { name: treatment, experiment: prompt-v2, percent: 20 }
  decisions:
    - name: treatment
      priority: 20
      rules: { type: split, name: treatment }
      modelRefs: [{ model: tuned }]
      plugins: [{ type: system_prompt, configuration: { system_prompt: "Answer briefly." } }]
    - name: control
      priority: 10
      modelRefs: [{ model: base }]
`

describe('a split signal between two decisions', () => {
  const both = useBothTransports(['base', 'tuned'], config)

  it('sends a sticky share of users to the treatment decision on both transports', async () => {
    let treated = 0
    const users = 200
    for (let u = 0; u < users; u++) {
      const body = JSON.stringify({
        model: 'MoM',
        user: `user-${u}`,
        messages: [{ role: 'user', content: 'hello' }],
      })
      const headers = { 'content-type': 'application/json', 'x-vsr-debug': 'true' }
      const res = await fetch(`${both.router.gatewayUrl}/v1/chat/completions`, {
        method: 'POST',
        headers,
        body,
      })
      await res.arrayBuffer()
      const decision = res.headers.get('x-vsr-selected-decision')
      if (decision === 'treatment') {
        treated++
        assert.equal(res.headers.get('x-vsr-selected-model'), 'tuned')
        assert.equal(res.headers.get('x-vsr-matched-splits'), 'treatment')
      } else assert.equal(decision, 'control')
      if (u % 20 === 0) {
        const ex = await both.envoy.exchange({ body, headers }, forwardToDestination)
        assert.equal(ex.headers['x-vsr-selected-decision'], decision, `user-${u} on ext_proc`)
      }
    }
    assert.ok(treated > 0.12 * users && treated < 0.28 * users, `${treated} of ${users} treated`)
  })
})
