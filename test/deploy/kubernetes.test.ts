/**
 * Renders every kustomize overlay with the real `kubectl kustomize`, validates every object
 * against the Kubernetes schemas offline, and cross-checks the manifests against the router's
 * defaults and config loader (k8s-checks.ts). The negative cases prove each check can fail.
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- manifests are free-form YAML */
import assert from 'node:assert/strict'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { parse as parseYaml, parseAllDocuments } from 'yaml'
import { PROMETHEUS_RULES } from '../../deploy/prometheus/build-prometheus-rules.js'
import { checkManifests, externalSecrets } from './k8s-checks.js'
import { validateObjects, type K8sObject } from './k8s-validate.js'
import { DEPLOY, ROOT, requireTool, run } from './tools.js'

const K8S = join(DEPLOY, 'kubernetes')
const OVERLAYS = ['base', 'overlays/dev', 'overlays/production']

function render(kubectl: string, dir: string): K8sObject[] {
  const result = run(kubectl, ['kustomize', dir])
  assert.equal(result.status, 0, `kubectl kustomize ${dir}: ${result.stderr}`)
  return parseAllDocuments(result.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null)
}

const rendered = new Map<string, K8sObject[]>()
function overlay(t: TestContext, name: string): K8sObject[] | undefined {
  const kubectl = requireTool(t, 'kubectl')
  if (!kubectl) return undefined
  let objects = rendered.get(name)
  if (!objects) {
    objects = render(kubectl, join(K8S, name))
    rendered.set(name, objects)
  }
  return objects
}

function find(objects: K8sObject[], kind: string, name: string): Record<string, any> {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name)
  assert.ok(found, `${kind}/${name} is missing`)
  return found
}

for (const name of OVERLAYS) {
  test(`${name}: every object is valid against the Kubernetes schemas`, async (t) => {
    const objects = overlay(t, name)
    if (!objects) return
    assert.ok(objects.length >= 9, `only ${objects.length} objects rendered`)
    assert.deepEqual(await validateObjects(objects), [])
  })

  test(`${name}: ports, selectors, config, probes and security line up`, (t) => {
    const objects = overlay(t, name)
    if (!objects) return
    // The base expects the overlay to provide the LLM backend Service its config points at.
    const expected =
      name === 'base' ? ['endpoint llm-backend: no Service named llm-backend in this overlay'] : []
    assert.deepEqual(checkManifests(objects).problems, expected)
    for (const kind of [
      'Namespace',
      'ConfigMap',
      'Deployment',
      'Service',
      'ServiceAccount',
      'PodDisruptionBudget',
      'HorizontalPodAutoscaler',
      'NetworkPolicy',
    ])
      assert.ok(
        objects.some((o) => o.kind === kind),
        `${kind} missing`,
      )
  })
}

test('dev: the simulator serves every model of the router config', (t) => {
  const objects = overlay(t, 'overlays/dev')
  if (!objects) return
  const { routerConfig } = checkManifests(objects)
  assert.ok(routerConfig)
  const sim = find(objects, 'Deployment', 'llm-simulator')
  const args: string[] = sim.spec.template.spec.containers[0].args
  assert.equal(args[0], 'simulate')
  const served = args.flatMap((a, i) => (a === '--model' ? [args[i + 1]] : []))
  assert.deepEqual(served.sort(), Object.keys(routerConfig.model_config).sort())
  assert.equal(find(objects, 'HorizontalPodAutoscaler', 'semantic-router').spec.minReplicas, 1)
  assert.ok(
    !objects.some((o) => o.apiVersion.startsWith('monitoring.coreos.com')),
    'dev needs no CRDs',
  )
})

test('production: several replicas share the postgres cache; operator objects present', (t) => {
  const objects = overlay(t, 'overlays/production')
  if (!objects) return
  const { routerConfig } = checkManifests(objects)
  assert.ok(routerConfig)
  assert.equal(routerConfig.semantic_cache.backend_type, 'postgres')
  assert.ok(find(objects, 'HorizontalPodAutoscaler', 'semantic-router').spec.minReplicas >= 3)
  for (const ep of routerConfig.vllm_endpoints) assert.match(ep.address, /\.svc\.cluster\.local$/)
  find(objects, 'ServiceMonitor', 'semantic-router')
  const doc = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8')
  const secrets = externalSecrets(objects)
  for (const secret of secrets.map((s) => s.replace(' (optional)', '')))
    assert.ok(doc.includes(secret), `docs/operations.md does not explain the secret ${secret}`)
  assert.deepEqual(secrets, ['semantic-router-cache', 'semantic-router-hub (optional)'])
})

test('the PrometheusRules carry exactly the rules of deploy/prometheus', (t) => {
  const objects = overlay(t, 'overlays/production')
  if (!objects) return
  for (const [file, name] of Object.entries(PROMETHEUS_RULES)) {
    const expected = parseYaml(readFileSync(join(DEPLOY, 'prometheus', file), 'utf8')).groups
    assert.deepEqual(
      find(objects, 'PrometheusRule', name).spec.groups,
      expected,
      `${name} vs ${file}`,
    )
  }
})

test('a config change renames the ConfigMap, so the Deployment rolls', (t) => {
  const kubectl = requireTool(t, 'kubectl')
  if (!kubectl) return
  const dir = mkdtempSync(join(tmpdir(), 'sr-k8s-'))
  try {
    cpSync(K8S, dir, { recursive: true })
    const before = render(kubectl, join(dir, 'overlays', 'dev'))
    const configPath = join(dir, 'base', 'config.yaml')
    writeFileSync(
      configPath,
      readFileSync(configPath, 'utf8').replace('ttl_seconds: 3600', 'ttl_seconds: 60'),
    )
    const after = render(kubectl, join(dir, 'overlays', 'dev'))
    const configMapName = (objects: K8sObject[]): string =>
      find(objects, 'Deployment', 'semantic-router').spec.template.spec.volumes.find(
        (v: any) => v.name === 'config',
      ).configMap.name
    assert.notEqual(configMapName(before), configMapName(after))
    assert.ok(after.some((o) => o.kind === 'ConfigMap' && o.metadata.name === configMapName(after)))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('the schema validation rejects a broken object', async () => {
  const broken = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'x' },
    spec: { replicas: 'two', selector: {}, template: {} },
  }
  const problems = await validateObjects([broken])
  assert.match(problems.join('\n'), /replicas must be integer/)
  const unknown = await validateObjects([
    { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
  ])
  assert.match(unknown.join('\n'), /no schema/)
})

test('the cross-reference checks catch broken references', (t) => {
  const objects = overlay(t, 'overlays/dev')
  if (!objects) return
  const mutate = (change: (objs: any[]) => void): string[] => {
    const copy = structuredClone(objects) as any[]
    change(copy)
    return checkManifests(copy).problems
  }
  const router = (objs: any[]): any =>
    objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'semantic-router')
  const container = (objs: any[]): any => router(objs).spec.template.spec.containers[0]
  const initContainer = (objs: any[]): any => router(objs).spec.template.spec.initContainers[0]
  const cases: [string, (objs: any[]) => void, RegExp][] = [
    [
      'service selector',
      (o) => (o.find((x) => x.kind === 'Service').spec.selector = { app: 'nope' }),
      /selector matches no pods/,
    ],
    [
      'probe path',
      (o) => (container(o).readinessProbe.httpGet.path = '/healthz'),
      /not a health endpoint/,
    ],
    [
      'grpc probe port',
      (o) => (container(o).livenessProbe.grpc.port = 9999),
      /not the ext_proc port/,
    ],
    [
      'container port',
      (o) => (container(o).ports[0].containerPort = 8000),
      /container port gateway/,
    ],
    ['subPath mount', (o) => (container(o).volumeMounts[0].subPath = 'config.yaml'), /subPath/],
    [
      'config key',
      (o) => (container(o).args[2] = '/etc/semantic-router/router.yaml'),
      /has no key router.yaml/,
    ],
    [
      'invalid config',
      (o) => {
        const cm = o.find((x) => x.kind === 'ConfigMap')
        cm.data['config.yaml'] += '\ndefault_reasoning_effort: extreme\n'
      },
      /config is invalid/,
    ],
    [
      'writable root',
      (o) => (container(o).securityContext.readOnlyRootFilesystem = false),
      /root filesystem is writable/,
    ],
    ['missing limits', (o) => delete container(o).resources.limits, /no cpu limits/],
    [
      'endpoint service',
      (o) =>
        (o.find((x) => x.metadata.name === 'llm-backend' && x.kind === 'Service').metadata.name =
          'vllm'),
      /no Service named llm-backend/,
    ],
    [
      'egress port',
      (o) => (o.find((x) => x.kind === 'NetworkPolicy').spec.egress = []),
      /egress blocks port 8000/,
    ],
    [
      'model cache dir',
      (o) => {
        const cm = o.find((x) => x.kind === 'ConfigMap')
        cm.data['config.yaml'] = cm.data['config.yaml'].replace(
          'model_cache_dir: /models',
          'model_cache_dir: /var/models',
        )
      },
      /model_cache_dir \/var\/models is not a writable mount/,
    ],
    [
      'model lock key',
      (o) => (initContainer(o).args[5] = '/etc/semantic-router/pins.json'),
      /--lock \/etc\/semantic-router\/pins.json is not in a ConfigMap/,
    ],
    [
      'init config',
      (o) => (initContainer(o).args[3] = '/etc/semantic-router/other.yaml'),
      /--config is not the router's config/,
    ],
    [
      'writable models',
      (o) => (container(o).volumeMounts.find((m: any) => m.name === 'models').readOnly = false),
      /\/models is writable/,
    ],
    [
      'pinned without hub egress',
      (o) => {
        const cm = o.find((x) => x.kind === 'ConfigMap')
        cm.data['models.lock.json'] = JSON.stringify({ version: 1, models: { m: {} } })
      },
      /egress blocks the model hub \(port 443\)/,
    ],
    [
      'no model init',
      (o) => (router(o).spec.template.spec.initContainers = []),
      /no init container runs `models pull`/,
    ],
  ]
  for (const [label, change, expected] of cases)
    assert.match(mutate(change).join('\n'), expected, label)
})
