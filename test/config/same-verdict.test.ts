/**
 * `validate-config`, `serve` (createRouterApp, what `serve` runs after loading) and hot reload give
 * the same verdict on the same file, with the same YAML paths and lines: a corpus of bad configs
 * (plug-in names and options, module order, model references) is refused by all three, and good
 * files are accepted by all three.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { createRouterApp } from '../../src/assembly/app.js'
import { formatIssue, type ConfigIssue } from '../../src/config/issues.js'
import { isRouterError } from '../../src/errors.js'
import { createLogger } from '../../src/log.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import { LOOPBACK_PORTS, startRouter, type TestRouter } from '../helpers/router.js'

const run = promisify(execFile)
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'semantic-router.js')

const GOOD = `vllm_endpoints:
  - { name: ep1, address: 127.0.0.1, port: 9, weight: 1 }
model_config:
  m: { preferred_endpoints: [ep1] }
  beta: { preferred_endpoints: [ep1] }
categories:
  - name: math
    model_scores:
      - { model: m, score: 0.9, use_reasoning: false }
default_model: m
`

/** Bad configs and the YAML path each must be refused at. */
const BAD: readonly { name: string; yaml: string; path: string }[] = [
  {
    name: 'negative endpoint priority',
    yaml: GOOD.replace('weight: 1 }', 'weight: 1, priority: -1 }'),
    path: 'vllm_endpoints[0].priority',
  },
  {
    name: 'unknown module',
    yaml: `${GOOD}pipeline:\n  modules: [{ name: teleport }]\n`,
    path: 'pipeline.modules[0].name',
  },
  {
    name: 'wrong module order',
    yaml: `${GOOD}pipeline:\n  modules: [{ name: routing }, { name: classification }]\n`,
    path: 'pipeline.modules',
  },
  {
    name: 'unknown module option',
    yaml: `${GOOD}pipeline:\n  modules: [{ name: routing, options: { turbo: true } }]\n`,
    path: 'pipeline.modules[0].options.turbo',
  },
  {
    name: 'unknown classifier kind',
    yaml: `${GOOD}pipeline:\n  classifiers: [{ kind: crystal_ball }]\n`,
    path: 'pipeline.classifiers[0].kind',
  },
  {
    name: 'bad classifier options',
    yaml: `${GOOD}pipeline:\n  classifiers: [{ kind: keyword, options: { fuzzy: true } }]\n`,
    path: 'pipeline.classifiers[0].options.fuzzy',
  },
  {
    name: 'unknown endpoint policy',
    yaml: `${GOOD}pipeline:\n  endpoint_policy: { kind: psychic }\n`,
    path: 'pipeline.endpoint_policy.kind',
  },
  {
    name: 'unknown model selector',
    yaml: `${GOOD}pipeline:\n  model_selector: { kind: coin_flip }\n`,
    path: 'pipeline.model_selector.kind',
  },
  {
    name: 'bad backend options',
    yaml: `${GOOD}semantic_cache:\n  enabled: true\n  backend_type: postgres\n  backend:\n    postgres: { data_dir: "memory://", pool_size: 0 }\n`,
    path: 'semantic_cache.backend.postgres.pool_size',
  },
  {
    name: 'backend without its required options',
    yaml: `${GOOD}semantic_cache:\n  enabled: true\n  backend_type: postgres\n`,
    path: 'semantic_cache.backend.postgres',
  },
  {
    name: 'unknown cache backend',
    yaml: `${GOOD}semantic_cache:\n  enabled: true\n  backend_type: redis\n`,
    path: 'semantic_cache.backend_type',
  },
  {
    name: 'options for an unknown cache backend',
    yaml: `${GOOD}semantic_cache:\n  backend:\n    mongo: { uri: x }\n`,
    path: 'semantic_cache.backend.mongo',
  },
  {
    name: 'unknown memory backend option',
    yaml: `${GOOD}semantic_cache:\n  enabled: true\n  backend:\n    memory: { ef_serch: 10 }\n`,
    path: 'semantic_cache.backend.memory.ef_serch',
  },
  {
    name: 'bad hybrid backend option',
    yaml: `${GOOD}semantic_cache:\n  backend_type: hybrid\n  backend:\n    hybrid: { sync_interval_ms: -5 }\n`,
    path: 'semantic_cache.backend.hybrid.sync_interval_ms',
  },
  {
    name: 'unknown jailbreak detector',
    yaml: `${GOOD}prompt_guard: { enabled: true }\npipeline:\n  jailbreak_detectors: [{ kind: rules }, { kind: vibes }]\n`,
    path: 'pipeline.jailbreak_detectors[1].kind',
  },
  {
    name: 'unknown jailbreak detector option',
    yaml: `${GOOD}pipeline:\n  jailbreak_detectors: [{ kind: rules, options: { strict: true } }]\n`,
    path: 'pipeline.jailbreak_detectors[0].options.strict',
  },
  {
    name: 'bad PII detector options',
    yaml: `${GOOD}pipeline:\n  pii_detectors: [{ kind: validators, options: { default_region: XX } }]\n`,
    path: 'pipeline.pii_detectors[0].options.default_region',
  },
  {
    name: 'unknown PII entity type for the validators',
    yaml: `${GOOD}pipeline:\n  pii_detectors: [{ kind: validators, options: { types: [EMAIL_ADDRESS, SHOE_SIZE] } }]\n`,
    path: 'pipeline.pii_detectors[0].options.types',
  },
  {
    name: 'category model missing from model_config',
    yaml: GOOD.replace('{ model: m, score: 0.9', '{ model: ghost, score: 0.9'),
    path: 'categories[0].model_scores[0].model',
  },
  {
    name: 'default_model missing from model_config',
    yaml: GOOD.replace('default_model: m', 'default_model: phantom'),
    path: 'default_model',
  },
]

/** `path (line N)` of every error line validate-config printed for `file`. */
function cliErrors(stdout: string, file: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith(`${file}: error: `))
    .map((l) => l.slice(`${file}: error: `.length).replace(/: .*$/, ''))
}

const issueWhere = (issues: readonly ConfigIssue[]): string[] =>
  issues
    .filter((i) => i.severity === 'error')
    .map((i) =>
      formatIssue(i)
        .replace(/^error: /, '')
        .replace(/: .*$/, ''),
    )

async function serveErrors(configPath: string): Promise<string[]> {
  const log = createLogger({ level: 'silent' })
  try {
    const app = await createRouterApp({
      configPath,
      log,
      metrics: new RouterMetrics(),
      watch: false,
      listen: { ...LOOPBACK_PORTS, enableGateway: false, enableApi: false, enableMetrics: false },
    })
    await app.close()
    return []
  } catch (err) {
    assert.ok(isRouterError(err) && err.code === 'config_invalid', String(err))
    return issueWhere(err.details as ConfigIssue[])
  }
}

describe('validate-config, serve and hot reload give the same verdict', () => {
  let dir: string
  let router: TestRouter
  const files: string[] = []
  let cli: { code: number; stdout: string }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sr-verdict-'))
    for (const [i, bad] of BAD.entries()) {
      const file = join(dir, `bad-${i}.yaml`)
      await writeFile(file, bad.yaml)
      files.push(file)
    }
    const good = join(dir, 'good.yaml')
    await writeFile(good, GOOD)
    files.push(good)
    cli = await run(process.execPath, [BIN, 'validate-config', '--quiet', ...files]).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    )
    router = await startRouter(GOOD)
  })
  after(async () => {
    await router?.close()
    await rm(dir, { recursive: true, force: true })
  })

  for (const [i, bad] of BAD.entries())
    it(`refuses: ${bad.name}`, async () => {
      const file = files[i]!
      const fromCli = cliErrors(cli.stdout, file)
      assert.ok(
        fromCli.some((w) => w.startsWith(`${bad.path} (line `)),
        `validate-config: ${cli.stdout}`,
      )
      assert.match(cli.stdout, new RegExp(`${file}: invalid`))

      assert.deepEqual(await serveErrors(file), fromCli, 'serve: same problems, paths and lines')

      await writeFile(router.configPath, bad.yaml)
      const reload = await router.app.reload()
      assert.equal(reload.ok, false)
      const failed = router.events('config_reload_failed').at(-1) as unknown as {
        issues: ConfigIssue[]
      }
      assert.deepEqual(issueWhere(failed.issues), fromCli, 'reload: same problems')
      assert.equal(router.app.runtime().config.default_model, 'm', 'the last good config stays')
    })

  it('accepts a good file in all three', async () => {
    assert.match(cli.stdout, new RegExp(`${files.at(-1)}: valid`))
    assert.deepEqual(await serveErrors(files.at(-1)!), [])
    await writeFile(router.configPath, GOOD.replace('score: 0.9', 'score: 0.8'))
    assert.deepEqual(await router.app.reload(), { ok: true, changed: true })
  })
})
