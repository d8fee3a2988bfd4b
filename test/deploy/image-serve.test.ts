/**
 * The base Deployment's pod from the staged container image: the model init container (its args
 * as written: nothing pinned, so it leaves the router on its embedded models), then the CMD
 * (`serve` with the config Kubernetes mounts) started as the image's non-root user on a read-only
 * filesystem, in front of the dev overlay's simulator (also run from the image, with its
 * manifest's arguments). Then every probe of the Deployment, the scrape path of its annotations
 * and the image's HEALTHCHECK are run against it exactly as written, and SIGTERM must stop it
 * cleanly. model-init.test.ts runs the init container with pinned models.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { parse as parseYaml, parseAllDocuments, parseDocument } from 'yaml'
import { grpcHealthCheck } from './grpc-health.js'
import { runtime, stageImage, type StagedImage } from './image-stage.js'
import {
  freePort,
  launch,
  startRouterProcess,
  waitForLine,
  type RouterProcess,
  type Running,
} from '../helpers/processes.js'
import { DEPLOY, ROOT } from './tools.js'

const CONFIG_MOUNT = '/etc/semantic-router/config.yaml'
const LOCK_MOUNT = '/etc/semantic-router/models.lock.json'
interface Probe {
  httpGet?: { path: string }
  grpc?: { port: number; service?: string }
}
type ProbeName = 'startupProbe' | 'readinessProbe' | 'livenessProbe'
type Container = {
  name: string
  args: string[]
  volumeMounts: { name: string; mountPath: string }[]
} & Partial<Record<ProbeName, Probe>>

const deployment = parseYaml(
  readFileSync(join(DEPLOY, 'kubernetes', 'base', 'deployment.yaml'), 'utf8'),
) as {
  spec: {
    template: {
      metadata: { annotations: Record<string, string> }
      spec: { containers: Container[]; initContainers: Container[] }
    }
  }
}
const container = deployment.spec.template.spec.containers.find((c) => c.name === 'router')!
const initContainer = deployment.spec.template.spec.initContainers.find((c) => c.name === 'models')!
const MODELS_VOLUME = initContainer.volumeMounts.find((m) => m.name === 'models')!.mountPath

let sim: Running | undefined
let simPort = 0
let router: RouterProcess | undefined
let image: StagedImage | undefined
let init: ReturnType<StagedImage['run']> | undefined

/** The dev overlay's simulator container, with its address moved to loopback and a free port. */
function simulatorArgs(port: number): string[] {
  const manifest = parseAllDocuments(
    readFileSync(join(DEPLOY, 'kubernetes', 'overlays', 'dev', 'llm-simulator.yaml'), 'utf8'),
  )
    .map(
      (d) =>
        d.toJS() as {
          kind: string
          spec: { template: { spec: { containers: { args: string[] }[] } } }
        },
    )
    .find((o) => o.kind === 'Deployment')!
  const args = [...manifest.spec.template.spec.containers[0]!.args]
  args[args.indexOf('--host') + 1] = '127.0.0.1'
  args[args.indexOf('--port') + 1] = String(port)
  return args
}

before(async () => {
  const doc = parseDocument(readFileSync(join(DEPLOY, 'kubernetes', 'base', 'config.yaml'), 'utf8'))
  simPort = await freePort()
  doc.setIn(['vllm_endpoints', 0, 'address'], '127.0.0.1')
  doc.setIn(['vllm_endpoints', 0, 'port'], simPort)
  // The bundled demo config, on free ports instead of its fixed 18001/18002 (tests run in parallel).
  const demo = parseDocument(readFileSync(join(ROOT, 'config', 'config.yaml'), 'utf8'))
  const endpoints = (demo.toJS() as { vllm_endpoints: unknown[] }).vllm_endpoints
  for (let i = 0; i < endpoints.length; i++)
    demo.setIn(['vllm_endpoints', i, 'port'], await freePort())
  image = stageImage(
    {
      // The model cache volume, at its place in the staged image (the config names it absolutely).
      [CONFIG_MOUNT]: (path) => {
        doc.setIn(['inference', 'model_cache_dir'], path(MODELS_VOLUME))
        return doc.toString()
      },
      [LOCK_MOUNT]: readFileSync(join(DEPLOY, 'kubernetes', 'base', 'models.lock.json'), 'utf8'),
      '/app/config/config.yaml': demo.toString(),
    },
    [MODELS_VOLUME],
  )
  // The pod's init container first, as the Deployment runs it.
  init = image.run(initContainer.args)
  const { command, options } = image.entrypoint()
  // The dev overlay's simulator, started from the image with the manifest's own arguments.
  sim = launch(command[0]!, [...command.slice(1), ...simulatorArgs(simPort)], options)
  await waitForLine(sim, (l) => l.includes('simulator listening on'), 60_000)
  router = await startRouterProcess(image.path(CONFIG_MOUNT), { command, ...options })
})

after(async () => {
  await router?.stop()
  await sim?.stop()
  image?.remove()
})

function healthcheck(url: string): number | null {
  const [command, ...args] = runtime.healthcheck!
  const result = spawnSync(command === 'node' ? process.execPath : command!, args, {
    env: { ...runtime.env, SR_HEALTHCHECK_URL: url },
    timeout: 10_000,
  })
  return result.status
}

test('the image CMD serves the mounted config', () => {
  assert.deepEqual(runtime.cmd, ['serve', '--config', CONFIG_MOUNT])
  assert.deepEqual(container.args, runtime.cmd, 'the Deployment passes the image CMD unchanged')
})

test('the init container leaves the router on its embedded models when none are pinned', async () => {
  assert.equal(init!.status, 0, init!.stdout + init!.stderr)
  assert.match(init!.stdout, /no models pinned or configured: the router uses its embedded models/)
  const info = (await (await fetch(`${router!.api}/info/models`)).json()) as {
    models: { name: string; metadata: { model_dir?: string } }[]
  }
  const dirs = info.models.flatMap((m) => m.metadata.model_dir ?? [])
  assert.ok(dirs.length >= 2, JSON.stringify(info.models))
  for (const dir of dirs) assert.ok(dir.startsWith(image!.path('/app/models/')), dir)
})

test('the compiled router finds what it reads at run time inside the image', async () => {
  // package.json (API version), the JSON data compiled into dist/, the protos (ext_proc is up:
  // see the probes), the embedded models (above).
  const openapi = (await (await fetch(`${router!.api}/openapi.json`)).json()) as {
    info: { version: string }
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
  assert.equal(openapi.info.version, pkg.version)
  const pii = await fetch(`${router!.api}/api/v1/classify/pii`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'My name is John Smith' }),
  })
  assert.equal(pii.status, 200, await pii.clone().text())
  assert.match(await pii.text(), /PERSON/)
})

test('the image validates the mounted config', () => {
  const valid = image!.run(['validate-config', '--config', CONFIG_MOUNT])
  assert.equal(valid.status, 0, valid.stdout + valid.stderr)
  assert.match(valid.stdout, /valid/)
})

test('the router answers a chat request from the image', async () => {
  const response = await fetch(`${router!.gateway}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'MoM',
      messages: [{ role: 'user', content: 'What is the integral of x^2?' }],
    }),
  })
  assert.equal(response.status, 200, await response.text())
  assert.equal(response.headers.get('x-vsr-selected-category'), 'math')
})

test('every probe of the Deployment succeeds against the running router', async () => {
  for (const name of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
    const probe = container[name]
    assert.ok(probe, `${name} missing`)
    if (probe.httpGet) {
      const response = await fetch(`${router!.api}${probe.httpGet.path}`)
      assert.equal(response.status, 200, `${name} ${probe.httpGet.path}`)
    } else {
      const port = new URL(router!.extproc.replace('grpc://', 'http://')).port
      assert.ok(probe.grpc, `${name} is neither HTTP nor gRPC`)
      assert.equal(await grpcHealthCheck(`127.0.0.1:${port}`, probe.grpc.service ?? ''), 1, name)
    }
  }
  // And the check can fail: an unknown gRPC health service is rejected.
  const port = new URL(router!.extproc.replace('grpc://', 'http://')).port
  await assert.rejects(grpcHealthCheck(`127.0.0.1:${port}`, 'no-such-service'))
})

test('the scrape annotations point at the metrics endpoint', async () => {
  const annotations = deployment.spec.template.metadata.annotations
  const response = await fetch(`${router!.metrics}${annotations['prometheus.io/path']}`)
  assert.equal(response.status, 200)
  assert.match(await response.text(), /^llm_model_requests_total\{model="MoM"\} \d/m)
})

test('the image HEALTHCHECK passes while the router runs and fails once it stopped', async () => {
  assert.equal(healthcheck(`${router!.api}/health`), 0)
  assert.equal(await router!.stop(), 0, 'SIGTERM must stop the router cleanly')
  assert.equal(healthcheck(`${router!.api}/health`), 1)
})

test('the documented demo runs from the image: bundled config with simulated backends', async () => {
  const { command, options } = image!.entrypoint()
  const demo = await startRouterProcess(image!.path('/app/config/config.yaml'), {
    command,
    ...options,
    extraArgs: ['--simulate-backends'],
  })
  try {
    const response = await fetch(`${demo.gateway}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content: 'Hello there' }] }),
    })
    assert.equal(response.status, 200, await response.text())
  } finally {
    assert.equal(await demo.stop(), 0)
  }
})
