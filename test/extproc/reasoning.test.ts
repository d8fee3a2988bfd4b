/** ext_proc conformance: reasoning templates per model family, on and off, as they reach upstream. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { UPSTREAM_FILTER, type UpstreamRequest } from '../helpers/envoy.js'
import { completionResponse, startExtProc, type ExtProcFixture } from '../helpers/extproc.js'
import { chat, ROUTER_YAML } from './fixtures.js'

const CASES = [
  {
    family: 'qwen3',
    prompt: 'integral of sin',
    model: 'qwen3-32b',
    on: true,
    kwargs: { enable_thinking: true },
  },
  {
    family: 'qwen3',
    prompt: 'factor this polynomial',
    model: 'qwen3-32b',
    on: false,
    kwargs: { enable_thinking: false },
  },
  {
    family: 'deepseek',
    prompt: 'python quicksort',
    model: 'deepseek-v3',
    on: true,
    kwargs: { thinking: true },
  },
  {
    family: 'deepseek',
    prompt: 'read this stacktrace',
    model: 'deepseek-v3',
    on: false,
    kwargs: { thinking: false },
  },
  {
    family: 'gpt-oss',
    prompt: 'quantum tunnelling',
    model: 'gpt-oss-20b',
    on: true,
    effort: 'high',
  },
  { family: 'gpt-oss', prompt: 'capital of Chile', model: 'gpt-oss-20b', on: false, effort: 'low' },
] as const

describe('ext_proc reasoning templates', () => {
  let f: ExtProcFixture
  before(async () => {
    f = await startExtProc(ROUTER_YAML)
  })
  after(() => f.close())

  for (const c of CASES) {
    for (const mode of ['BUFFERED', 'STREAMED'] as const) {
      it(`${c.family} reasoning ${c.on ? 'on' : 'off'} (${mode} request body)`, async () => {
        let seen: UpstreamRequest | undefined
        // The client's own reasoning fields are replaced, never trusted.
        const body = chat(c.prompt, {
          chat_template_kwargs: { enable_thinking: true, thinking: true },
        })
        const ex = await f.envoy.exchange(
          { body, chunkSize: 20 },
          (req) => {
            seen = req
            return completionResponse(c.model)
          },
          { ...UPSTREAM_FILTER, request_body_mode: mode },
        )
        const sent = JSON.parse(seen!.body.toString()) as Record<string, unknown>
        assert.equal(sent['model'], c.model)
        if ('kwargs' in c) {
          assert.deepEqual(sent['chat_template_kwargs'], c.kwargs)
          assert.equal(sent['reasoning_effort'], undefined)
          if (!c.on) assert.equal(ex.headers['x-vsr-selected-reasoning-effort'], undefined)
        } else {
          // The effort reported is the one sent, reasoning on or off.
          assert.equal(ex.headers['x-vsr-selected-reasoning-effort'], c.effort)
          assert.equal(sent['reasoning_effort'], c.effort)
          assert.equal(
            (sent['chat_template_kwargs'] as Record<string, unknown> | undefined)?.['thinking'],
            undefined,
          )
        }
        assert.equal(ex.headers['x-vsr-selected-reasoning'], c.on ? 'on' : 'off')
      })
    }
  }
})
