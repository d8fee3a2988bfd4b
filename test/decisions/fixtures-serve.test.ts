/**
 * Every upstream v0.3 fixture does not only load: a runtime builds from it (signals, per-decision
 * selectors, modules) and routes a request with its decisions.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { chatBody, makeRuntime, meta } from '../helpers/runtime.js'

const DIR = join(import.meta.dirname, '..', 'fixtures', 'upstream-configs', 'v0.3')

/** A prompt per fixture and the decision upstream's rules give it. */
const CASES: Record<
  string,
  { text: string; decision: string | undefined; extra?: object; headers?: Record<string, string> }
> = {
  'config.e2e.yaml': { text: 'hello', decision: undefined },
  'config.testing.yaml': {
    text: 'hi',
    decision: 'metadata_decision',
    extra: { metadata: { cohort: 'canary' } },
  },
  'config.multi-endpoint.yaml': {
    text: 'please debug this python function',
    decision: 'code_to_dev',
  },
  'config.multi-provider.yaml': {
    text: 'implement an algorithm in golang',
    decision: 'code_to_local',
  },
  // The modality leaves never match here (unsupported, warned); the OR's domain branch does.
  'config.modality-routing.yaml': { text: 'draw a cat', decision: 'text_generation' },
  'config.authz-rbac.yaml': { text: 'hello', decision: undefined },
  // automix is not implemented: the decision is served by the default (static) selector.
  'config.yaml': {
    text: 'reset my password, urgent!',
    decision: 'urgent_automix_route',
    headers: { 'x-user-id': 'u1', 'x-user-groups': 'platform-admins' },
  },
}

describe('upstream v0.3 fixtures serve', () => {
  for (const [file, c] of Object.entries(CASES))
    it(file, async () => {
      const t = await makeRuntime(readFileSync(join(DIR, file), 'utf8'))
      try {
        const outcome = await t.runtime.pipeline.handleRequest(
          chatBody(c.text, { model: 'auto', ...c.extra }),
          meta({ transport: 'extproc', headers: c.headers ?? { 'x-authz-user-id': 'u1' } }),
        )
        assert.ok(outcome.ctx.decision, 'decisions were evaluated')
        if (file === 'config.e2e.yaml')
          assert.ok(outcome.ctx.decision.decision, 'the catch-all guarantees a decision')
        if (c.decision !== undefined) assert.equal(outcome.ctx.decision.decision?.name, c.decision)
      } finally {
        await t.runtime.close()
      }
    })
})
