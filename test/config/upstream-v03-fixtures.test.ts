import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parseRouterConfig } from '../../src/assembly/load-config.js'
import type { LoadedConfig } from '../../src/config/load.js'
import { isRouterError } from '../../src/errors.js'

const DIR = join(import.meta.dirname, '..', 'fixtures', 'upstream-configs', 'v0.3')
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml'))
const BLOBS: Record<string, string> = {
  'config.yaml': '116765a2',
  'config.e2e.yaml': '394d634d',
  'config.testing.yaml': '604332b9',
  'config.multi-endpoint.yaml': '17bbcd72',
  'config.modality-routing.yaml': '78060689',
  'config.multi-provider.yaml': '0550b300',
  'config.authz-rbac.yaml': '6be7ac97',
}

/** As serve, validate-config and reload read a file (every plug-in registry checks its part). */
const load = (file: string): LoadedConfig =>
  parseRouterConfig(readFileSync(join(DIR, file), 'utf8'), { source: file })
const warningAt = (loaded: LoadedConfig, path: string): string | undefined =>
  loaded.warnings.find((w) => w.path === path)?.message

describe('upstream v0.3 config fixtures', () => {
  it('has every file, byte-for-byte as upstream has it', () => {
    assert.deepEqual(FILES.sort(), Object.keys(BLOBS).sort())
    for (const [file, blob] of Object.entries(BLOBS)) {
      const id = execFileSync('git', ['hash-object', join(DIR, file)], { encoding: 'utf8' })
      assert.ok(id.startsWith(blob), `${file} was changed (${id.trim()})`)
    }
  })

  for (const file of Object.keys(BLOBS))
    it(`loads ${file} unchanged`, () => {
      const loaded = load(file)
      assert.ok(Object.isFrozen(loaded.config))
      assert.ok(loaded.config.v03, 'read as a v0.3 document')
      for (const w of loaded.warnings) assert.ok(w.line !== undefined, `${w.path} has a line`)
    })

  it('lowers providers into endpoints and models (config.e2e.yaml)', () => {
    const { config, warnings } = load('config.e2e.yaml')
    assert.deepEqual(warnings, [])
    assert.equal(config.default_model, 'Model-A')
    assert.deepEqual(
      config.vllm_endpoints.map((e) => [e.name, e.address, e.port]),
      [
        ['Model-A_qwen-endpoint', '127.0.0.1', 8000],
        ['Model-B_tinyllama-endpoint', '127.0.0.1', 8001],
      ],
    )
    assert.deepEqual(config.model_config['Model-A']?.preferred_endpoints, ['Model-A_qwen-endpoint'])
    assert.equal(config.model_config['Model-A']?.reasoning_family, 'qwen3')
    assert.equal(config.v03?.routing.decisions.length, 15)
    assert.equal(config.v03?.strategy, 'priority')
    // The store is configured, but no decision has a response_cache plugin: nothing is cached.
    assert.equal(config.semantic_cache.enabled, false)
    assert.equal(config.semantic_cache.similarity_threshold, 0.8)
    assert.equal(config.tools.enabled, true)
    // No jailbreak signal is referenced: the guard model is not built.
    assert.equal(config.prompt_guard.enabled, false)
  })

  it('rewrites the body model per endpoint from external_model_ids (multi-endpoint)', () => {
    const { config } = load('config.multi-endpoint.yaml')
    assert.deepEqual(config.v03?.endpointModelIds, {
      'qwen14b-dev_vllm-14b-dev': 'Qwen/Qwen2.5-14B-Instruct',
      'qwen14b-prod_vllm-14b-prod': 'Qwen/Qwen2.5-14B-Instruct',
    })
  })

  it('keeps entrypoints, recipes and metadata signals (config.testing.yaml)', () => {
    const { config } = load('config.testing.yaml')
    assert.deepEqual(config.v03?.entrypoints, [
      { model_names: ['vllm-sr/metadata-policy'], recipe: 'metadata-policy' },
    ])
    assert.equal(config.v03?.recipes[0]?.routing.signals.metadata[0]?.key, 'cohort')
    assert.deepEqual(config.v03?.autoModelNames, ['vllm-sr/auto', 'auto', 'MoM'])
  })

  it('reads authz identity settings (config.authz-rbac.yaml names roles in its leaves)', () => {
    const { config } = load('config.authz-rbac.yaml')
    assert.deepEqual(config.v03?.authz, {
      failOpen: true,
      userIdHeader: 'x-authz-user-id',
      userGroupsHeader: 'x-authz-user-groups',
    })
  })

  it('names every feature of the reference config it does not run', () => {
    const loaded = load('config.yaml')
    const expect: Record<string, RegExp> = {
      'routing.projections': /projections .* not supported/,
      'routing.signals.kb': /kb signals are not evaluated/,
      'routing.decisions[0].plugins[2].type': /"context_compression" is not supported/,
      'routing.decisions[1].algorithm.type': /"confidence" .*looper/,
      'routing.decisions[9].algorithm.type': /"hybrid" is not implemented .*default selector/,
      'routing.decisions[1].rules.conditions[1]': /fact_check signals .* never matches/,
      'global.stores.response_cache.backend_type': /"milvus" is not available/,
      'global.router.learning': /Router Learning/,
      'global.services.ratelimit': /ratelimit is not supported/,
      'providers.models[0].reliability': /Envoy generator/,
      'providers.models[0].backend_refs[1].api_key': /literal key/,
      listeners: /listens on server/,
    }
    for (const [path, pattern] of Object.entries(expect))
      assert.match(warningAt(loaded, path) ?? `(no warning at ${path})`, pattern)
    // multi_factor and latency_aware have selectors here: no warning.
    for (const i of [12, 15])
      assert.equal(warningAt(loaded, `routing.decisions[${i}].algorithm.type`), undefined)
    assert.equal(loaded.config.v03?.recipes[0]?.routing.strategy, 'confidence')
    assert.equal(
      loaded.config.prompt_guard.enabled,
      true,
      'a decision refers to a jailbreak signal',
    )
    assert.equal(loaded.config.auto_model_name, 'exhaustive-reference')
  })
})

describe('v0.3 documents: errors', () => {
  const base = `
providers:
  defaults: { default_model: m }
  models: [{ name: m, backend_refs: [{ endpoint: "127.0.0.1:8000" }] }]
routing:
  modelCards: [{ name: m }]
  signals:
    keywords: [{ name: kw, operator: OR, keywords: [x] }]
`
  const problems = (text: string): string[] => {
    try {
      parseRouterConfig(text)
    } catch (err) {
      assert.ok(isRouterError(err) && err.code === 'config_invalid')
      return (err.details as { path: string; message: string }[]).map(
        (i) => `${i.path}: ${i.message}`,
      )
    }
    return []
  }
  const decision = (body: string) =>
    `${base}  decisions:\n    - name: d\n      modelRefs: [{ model: m }]\n${body}`

  it('accepts the base document', () => {
    assert.deepEqual(problems(decision('      rules: { type: keyword, name: kw }\n')), [])
  })
  it("builds upstream's default memory cache when a decision caches", () => {
    const text = decision(
      '      plugins: [{ type: response_cache, configuration: { enabled: true } }]\n',
    )
    const { config } = parseRouterConfig(text)
    assert.equal(config.semantic_cache.enabled, true)
    assert.equal(config.semantic_cache.backend_type, 'memory')
    assert.equal(config.semantic_cache.max_entries, 1000)
  })
  it('gives a backend ref a standby priority level (ours) and checks its range', () => {
    const standby = decision('      rules: { type: keyword, name: kw }\n').replace(
      'backend_refs: [{ endpoint: "127.0.0.1:8000" }]',
      'backend_refs: [{ endpoint: "127.0.0.1:8000" }, { endpoint: "127.0.0.1:8001", priority: 1 }]',
    )
    const { config } = parseRouterConfig(standby)
    assert.deepEqual(
      config.vllm_endpoints.map((e) => [e.port, e.priority]),
      [
        [8000, 0],
        [8001, 1],
      ],
    )
    assert.match(
      problems(standby.replace('priority: 1', 'priority: 200')).join('\n'),
      /backend_refs\[1\]\.priority/,
    )
  })
  it('refuses unknown operators and NOT with several children', () => {
    assert.match(
      problems(
        decision('      rules: { operator: XOR, conditions: [{ type: keyword, name: kw }] }\n'),
      )[0]!,
      /routing\.decisions\[0\]\.rules\.operator: unknown operator "XOR"/,
    )
    assert.match(
      problems(
        decision(
          '      rules: { operator: NOT, conditions: [{ type: keyword, name: kw }, { type: keyword, name: kw }] }\n',
        ),
      )[0]!,
      /NOT takes exactly one condition \(got 2\)/,
    )
  })
  it('refuses leaves naming undeclared signals or unknown types', () => {
    assert.match(
      problems(decision('      rules: { type: keyword, name: nope }\n'))[0]!,
      /keyword signal "nope" is not declared in routing\.signals\.keywords/,
    )
    assert.match(
      problems(decision('      rules: { type: vibes, name: x }\n'))[0]!,
      /unknown signal type "vibes"/,
    )
  })
  it('refuses models and LoRAs that are not defined', () => {
    const text = decision('      rules: { type: keyword, name: kw }\n').replace(
      'modelRefs: [{ model: m }]',
      'modelRefs: [{ model: ghost }, { model: m, lora_name: nope }]',
    )
    assert.deepEqual(problems(text), [
      'routing.decisions[0].modelRefs[0].model: model "ghost" is not defined',
      'routing.decisions[0].modelRefs[1].lora_name: LoRA "nope" is not listed in the "m" model card',
    ])
  })
  it('refuses removed fields with upstream hints', () => {
    const text = decision('      modelSelectionAlgorithm: static\n').replace(
      'defaults: { default_model: m }',
      'defaults: { default_model: m }\n  default_model: m',
    )
    assert.deepEqual(problems(text), [
      'providers.default_model: was removed from the v0.3 schema: moved to providers.defaults.default_model',
      'routing.decisions[0].modelSelectionAlgorithm: was removed from the v0.3 schema: use algorithm: {type: ...}',
    ])
  })
  it('checks algorithm blocks against their type', () => {
    assert.match(
      problems(decision('      algorithm: { type: multi_factor }\n'))[0]!,
      /algorithm\.multi_factor: algorithm "multi_factor" needs its "multi_factor" block/,
    )
    assert.match(
      problems(decision('      algorithm: { type: static, router_dc: {} }\n'))[0]!,
      /algorithm\.router_dc: block "router_dc" does not match algorithm type "static"/,
    )
    assert.match(
      problems(
        decision(
          '      algorithm: { type: multi_factor, multi_factor: { weights: { quality: -1 } } }\n',
        ),
      )[0]!,
      /algorithm\.multi_factor\.weights\.quality: must be >= 0/,
    )
  })
  it('refuses unknown algorithms, and plugins that would set routing headers', () => {
    assert.deepEqual(
      problems(
        decision(
          '      algorithm: { type: magic }\n      plugins: [{ type: header_mutation, configuration: { add: [{ name: X-VSR-Selected-Model, value: x }], delete: [host] } }]\n',
        ),
      ),
      [
        'routing.decisions[0].plugins[0].configuration.add[0]: "x-vsr-selected-model" is set by the router itself; a plugin may not change it',
        'routing.decisions[0].plugins[0].configuration.delete[0]: "host" is set by the router itself; a plugin may not change it',
        'routing.decisions[0].algorithm.type: unknown algorithm "magic" (known: static, knn, kmeans, svm, mlp, router_dc, latency_aware, multi_factor, hybrid, automix, prompt, confidence, ratings, remom, fusion, workflows, elo, bandit, split)',
      ],
    )
  })
  it('refuses keyword regexes that do not compile', () => {
    const text = decision('      rules: { type: keyword, name: kw }\n').replace(
      'keywords: [{ name: kw, operator: OR, keywords: [x] }]',
      'keywords: [{ name: kw, operator: OR, method: regex, keywords: ["(unclosed"] }]',
    )
    assert.match(
      problems(text)[0]!,
      /signals\.keywords\[0\]\.keywords\[0\]: not a valid regular expression/,
    )
  })
  it('refuses duplicate decision names and plugins used twice', () => {
    const text = `${base}  decisions:
    - { name: d, modelRefs: [{ model: m }], plugins: [{ type: semantic-cache, configuration: {} }, { type: response_cache, configuration: {} }] }
    - { name: d, modelRefs: [{ model: m }] }
`
    assert.deepEqual(problems(text), [
      'routing.decisions[0].plugins[1].type: a decision may use "response_cache" once',
      'routing.decisions[1].name: duplicate decision name "d"',
    ])
  })
  it('refuses entrypoints to unknown recipes and names that clash', () => {
    const text = `${base}entrypoints:
  - { model_names: [m, auto, fresh], recipe: nowhere }
`
    assert.deepEqual(problems(text), [
      'entrypoints[0].recipe: recipe "nowhere" is not defined in recipes',
      'entrypoints[0].model_names[0]: "m" is a model name',
      'entrypoints[0].model_names[1]: "auto" is an auto model name',
    ])
  })
})
