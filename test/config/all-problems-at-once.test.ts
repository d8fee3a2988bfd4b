/**
 * A newcomer's broken config gets every problem in one run: type errors and the broken references
 * between sections together (config/salvage.ts), from `validate-config` and from the loader every
 * entry point uses — never a finding about the stand-in values the check ran on.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parseRouterConfig } from '../../src/assembly/load-config.js'
import type { ConfigIssue } from '../../src/config/issues.js'
import { isRouterError } from '../../src/errors.js'
import { runCli } from '../helpers/processes.js'

function problems(yaml: string): string[] {
  try {
    parseRouterConfig(yaml)
  } catch (err) {
    assert.ok(isRouterError(err) && err.code === 'config_invalid', String(err))
    return (err.details as ConfigIssue[]).map((i) => `${i.path}: ${i.message}`)
  }
  return []
}

const NEWCOMER = `
vllm_endpoints:
  - { name: gpu-a, address: "http://10.0.0.5/", port: "8000" }
model_config:
  qwen3-8b: { preferred_endpoints: [gpu-b] }
default_model: small-chat
semantic_cache: { enabled: true, similarity_threshold: 1.5 }
categories:
  - name: math
    model_scores: [{ model: qwen-3-8b, score: 0.9, use_reasoning: true }]
`

describe('config problems are reported together', () => {
  it('lists type errors and broken references in one run', () => {
    assert.deepEqual(problems(NEWCOMER), [
      'semantic_cache.similarity_threshold: must be <= 1',
      'vllm_endpoints[0].address: must be an IP address or a host name, without scheme, path or port (use the port field)',
      'vllm_endpoints[0].port: expected number, got string "8000"',
      'model_config.qwen3-8b.preferred_endpoints[0]: endpoint "gpu-b" is not defined in vllm_endpoints',
      'categories[0].model_scores[0].model: model "qwen-3-8b" is not defined in model_config (known: qwen3-8b)',
      'default_model: model "small-chat" is not defined in model_config (known: qwen3-8b)',
    ])
  })

  it('says nothing about the stand-in values the references were checked with', () => {
    // default_model has the wrong type: one error, not also "model 5 is not defined".
    assert.deepEqual(
      problems(`
model_config: { a: {} }
default_model: 5
categories:
  - name: c
    model_scores: [{ model: a, score: 0.9, use_reasoning: "yes" }]
`),
      [
        'categories[0].model_scores[0].use_reasoning: expected boolean, got string "yes"',
        'default_model: expected string, got number 5',
      ],
    )
    // A fixed config has no problems left (the stand-ins are not the file's values).
    assert.deepEqual(problems('model_config: { a: {} }\ndefault_model: a\n'), [])
  })

  it('falls back to the schema errors alone where no stand-in fits', () => {
    const found = problems(`
model_config: { a: { preferred_endpoints: [nowhere] } }
default_model: a
categories:
  - { name: c, model_scores: [] }
`)
    assert.equal(found.length, 1, found.join('\n'))
    assert.match(found[0]!, /^categories\[0\]\.model_scores: /)
  })

  it('validate-config prints them all, with lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sr-validate-'))
    try {
      const path = join(dir, 'config.yaml')
      await writeFile(path, NEWCOMER)
      const r = runCli(['validate-config', '--config', path])
      assert.equal(r.status, 1)
      assert.match(r.stdout + r.stderr, /vllm_endpoints\[0\]\.port \(line 3\)/)
      assert.match(r.stdout + r.stderr, /preferred_endpoints\[0\] \(line 5\): endpoint "gpu-b"/)
      assert.match(r.stdout + r.stderr, /invalid \(6 errors\)/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
