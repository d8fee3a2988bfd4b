/**
 * Issue 13: a seeded fuzz test of both request parsers. Thousands of random and mutated OpenAI
 * chat-completions bodies go through the gateway and through ext_proc (driven as Envoy drives it):
 * no answer is a 5xx, nothing crashes (the router still routes afterwards and logged no internal
 * error), and no refusal quotes the body. FUZZ_SEED replays a run; FUZZ_CASES changes its size.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { familiesConfig, FAMILY_MODELS, useBothTransports } from '../helpers/router.js'
import { fuzzBodies } from './fuzz-bodies.js'
import { send, TRANSPORTS } from './send.js'

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261207)
const CASES = Number(process.env['FUZZ_CASES'] ?? 1_500)
const CONCURRENCY = 8

const both = useBothTransports(FAMILY_MODELS, (port) =>
  familiesConfig(port, 'semantic_cache: { enabled: true, backend_type: memory }\n'),
)

for (const [t, transport] of TRANSPORTS.entries())
  describe(`fuzzed request bodies (${transport})`, () => {
    it(`${CASES} seeded cases: no 5xx, no crash`, async () => {
      const bodies = fuzzBodies(SEED + t, CASES)
      const failures: string[] = []
      const statuses = new Map<number, number>()
      let next = 0
      const worker = async (): Promise<void> => {
        while (next < bodies.length) {
          const i = next++
          const sent = await send(both, transport, { body: bodies[i]! })
          statuses.set(sent.status, (statuses.get(sent.status) ?? 0) + 1)
          if (sent.status >= 500)
            failures.push(`case ${i} (seed ${SEED + t}): ${sent.status} ${sent.body.slice(0, 200)}`)
        }
      }
      await Promise.all(Array.from({ length: CONCURRENCY }, worker))
      assert.deepEqual(failures, [], `statuses: ${JSON.stringify([...statuses])}`)
      const seen = JSON.stringify([...statuses])
      assert.ok((statuses.get(200) ?? 0) > CASES / 20, `some were routed: ${seen}`)
      assert.ok((statuses.get(400) ?? 0) > CASES / 10, 'the mutated share was refused')
      const ok = await send(both, transport, {
        body: { model: 'MoM', messages: [{ role: 'user', content: 'hello after the fuzz' }] },
      })
      assert.equal(ok.status, 200, 'still routing')
      const internal = both.router.logs.filter((l) => l['code'] === 'internal_error')
      assert.deepEqual(internal, [], 'no internal error was logged')
    })
  })
