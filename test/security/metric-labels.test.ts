/**
 * Issue 13: clients cannot grow /metrics. A model name the config does not know is counted as
 * `unknown` (and any label value is length-capped), on both transports; configured models keep
 * their names.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { metricValue } from '../helpers/extproc.js'
import { familiesConfig, FAMILY_MODELS, useBothTransports } from '../helpers/router.js'
import { send, TRANSPORTS } from './send.js'

const both = useBothTransports(FAMILY_MODELS, (port) => familiesConfig(port))

const chat = (model: string) => ({ model, messages: [{ role: 'user', content: 'hello there' }] })

for (const transport of TRANSPORTS)
  describe(`bounded metric labels (${transport})`, () => {
    it('unknown model names (short and 100 KB) are counted as `unknown`', async () => {
      const scrape = () => both.router.metricsText()
      const before = await scrape()
      const unknownBefore = metricValue(before, 'llm_model_requests_total', { model: 'unknown' })
      const names = [
        `client-made-${transport}-a`,
        `client-made-${transport}-b`,
        'm'.repeat(100_000) + transport,
      ]
      for (const name of names) await send(both, transport, { body: chat(name) })
      const after = await scrape()
      for (const name of names)
        assert.ok(!after.includes(name.slice(0, 40)), `${name.slice(0, 40)} became a label`)
      assert.equal(
        metricValue(after, 'llm_model_requests_total', { model: 'unknown' }) - unknownBefore,
        names.length,
      )
      assert.ok(after.length < before.length + 20_000, 'the scrape grew with the names')
      // A configured model keeps its own label.
      await send(both, transport, { body: chat('plain-model') })
      assert.ok(
        metricValue(await scrape(), 'llm_model_requests_total', { model: 'plain-model' }) >= 1,
      )
    })
  })
