import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseConfigText } from '../../src/config/load.js'
import type { ConfigIssue } from '../../src/config/issues.js'
import { RouterError } from '../../src/errors.js'

function issuesOf(text: string): ConfigIssue[] {
  try {
    parseConfigText(text)
  } catch (err) {
    assert.ok(err instanceof RouterError)
    assert.equal(err.code, 'config_invalid')
    return err.details as ConfigIssue[]
  }
  assert.fail('expected the config to be rejected')
}

describe('config validation', () => {
  it('lists every problem with its YAML path and line', () => {
    const issues = issuesOf(`
vllm_endpoints:
  - name: a
    address: "http://10.0.0.1/v1"
    port: 70000
categories:
  - name: math
    model_scores:
      - model: m
        score: 0
        use_reasoning: "yes please"
semantic_cache:
  similarity_threshold: 1.5
  eviction_policy: random
`)
    const paths = issues.map((i) => i.path).sort()
    assert.deepEqual(paths, [
      'categories[0].model_scores[0].score',
      'categories[0].model_scores[0].use_reasoning',
      'semantic_cache.eviction_policy',
      'semantic_cache.similarity_threshold',
      'vllm_endpoints[0].address',
      'vllm_endpoints[0].port',
    ])
    const port = issues.find((i) => i.path === 'vllm_endpoints[0].port')
    assert.equal(port?.line, 5)
    assert.match(port?.message ?? '', /<= 65535/)
  })

  it('checks endpoint priority levels (whole numbers 0..127) with their line', () => {
    const issues = issuesOf(`
vllm_endpoints:
  - { name: a, address: 127.0.0.1, port: 8000 }
  - name: b
    address: 127.0.0.1
    port: 8001
    priority: 1.5
`)
    assert.deepEqual(
      issues.map((i) => [i.path, i.line]),
      [['vllm_endpoints[1].priority', 7]],
    )
    const { config } = parseConfigText(
      'vllm_endpoints:\n  - { name: a, address: 127.0.0.1, port: 8000 }\n  - { name: s, address: 127.0.0.1, port: 8001, priority: 1 }\n',
    )
    assert.deepEqual(
      config.vllm_endpoints.map((e) => e.priority),
      [0, 1],
    )
  })

  it('accepts host names as endpoint addresses, unlike upstream', () => {
    const { config } = parseConfigText(`
vllm_endpoints:
  - { name: a, address: vllm.default.svc.cluster.local, port: 8000 }
  - { name: b, address: "::1", port: 8001 }
`)
    assert.equal(config.vllm_endpoints[0]?.address, 'vllm.default.svc.cluster.local')
  })

  it('warns about unknown keys instead of failing', () => {
    const { warnings, config } = parseConfigText(`
default_model: m
surprise: 1
bert_model: { model_id: x, mystery: true }
`)
    assert.deepEqual(
      warnings.filter((w) => w.message === 'unknown key, ignored').map((w) => w.path),
      ['bert_model.mystery', 'surprise'].sort(),
    )
    assert.equal(config.default_model, 'm')
  })

  it('reports unknown keys and real errors together', () => {
    try {
      parseConfigText('surprise: 1\ndefault_model: 3\n')
      assert.fail('should throw')
    } catch (err) {
      assert.ok(err instanceof RouterError)
      const issues = err.details as ConfigIssue[]
      assert.deepEqual(
        issues.map((i) => [i.severity, i.path]),
        [['error', 'default_model']],
      )
    }
  })

  it('rejects a lora_name that the model does not declare', () => {
    const issues = issuesOf(`
model_config:
  base: { loras: [{ name: a }] }
categories:
  - name: x
    model_scores: [{ model: base, score: 1, use_reasoning: false, lora_name: b }]
`)
    assert.equal(issues[0]?.path, 'categories[0].model_scores[0].lora_name')
  })

  it('rejects references to undefined endpoints and duplicate names', () => {
    const issues = issuesOf(`
vllm_endpoints:
  - { name: a, address: 127.0.0.1, port: 1 }
  - { name: a, address: 127.0.0.1, port: 2 }
model_config:
  m: { preferred_endpoints: [nope] }
`)
    assert.deepEqual(issues.map((i) => i.path).sort(), [
      'model_config.m.preferred_endpoints[0]',
      'vllm_endpoints[1].name',
    ])
  })

  it('reports YAML syntax errors with a line', () => {
    const issues = issuesOf('categories:\n  - name: [unclosed\n')
    assert.equal(issues.length, 1)
    assert.match(issues[0]?.message ?? '', /YAML syntax/)
    assert.ok(issues[0]?.line !== undefined)
  })

  it('explains YAML 1.1 booleans where a string was expected', () => {
    const issues = issuesOf('default_model: off\n')
    assert.match(issues[0]?.message ?? '', /got boolean false .*quote the value/)
  })

  it('rejects a document that is not a mapping', () => {
    assert.equal(issuesOf('- a\n- b\n')[0]?.path, '(root)')
  })
})
