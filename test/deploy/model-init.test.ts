/**
 * The model init container with pinned models, end to end without a cluster or the internet:
 *
 * 1. pin: `semantic-router models pull <repo>` against a local hub (test/helpers/fake-hub.ts,
 *    the hub's real download protocol) writes models.lock.json, as an operator does;
 * 2. configure: a copy of deploy/kubernetes whose base config names the model by hub id, with the
 *    lock next to it and the dev overlay using components/model-hub-egress; rendered with
 *    `kubectl kustomize`, validated against the Kubernetes schemas and cross-checked;
 * 3. run the rendered init container's args from the staged image (read-only, non-root), with
 *    HF_ENDPOINT at the local hub: an interrupted download fails the first run and the restarted
 *    container resumes it; a pin whose sha256 the hub does not match fails;
 * 4. start the router from the image on the pulled models (the volume read-only, as mounted).
 */
import assert from 'node:assert/strict'
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { parseAllDocuments, parseDocument } from 'yaml'
import { FakeHub } from '../helpers/fake-hub.js'
import { filesOf } from '../helpers/files.js'
import {
  launch,
  runCliAsync,
  startRouterProcess,
  type RouterProcess,
} from '../helpers/processes.js'
import { checkManifests } from './k8s-checks.js'
import { validateObjects, type K8sObject } from './k8s-validate.js'
import { stageImage, type StagedImage } from './image-stage.js'
import { DEPLOY, findTool, ROOT, run } from './tools.js'

const REPO = 'acme/category-classifier'
const CONFIG = '/etc/semantic-router/config.yaml'
const LOCK = '/etc/semantic-router/models.lock.json'
const TAMPERED_LOCK = '/etc/tampered/models.lock.json'

const hub = new FakeHub()
const work = mkdtempSync(join(tmpdir(), 'sr-model-init-'))
let commit = ''
let lockText = ''
let rendered: K8sObject[] = []
let initArgs: string[] = []
let cacheDir = ''
let image: StagedImage | undefined
let router: RouterProcess | undefined

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are free-form YAML */
const deploymentOf = (objects: K8sObject[]): any =>
  objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'semantic-router')

/** Run the image's ENTRYPOINT to its end without blocking this process (the hub lives here). */
async function runInImage(
  args: readonly string[],
  lock = LOCK,
): Promise<{ code: number | null; out: string }> {
  const { command, options } = image!.entrypoint()
  const argv = args.map((a) => image!.path(a === LOCK ? lock : a))
  const env = { ...options.env, HF_ENDPOINT: hub.url }
  const child = launch(command[0]!, [...command.slice(1), ...argv], { ...options, env })
  const code = await new Promise<number | null>((r) => child.child.once('exit', (c) => r(c)))
  return { code, out: child.output.join('\n') }
}

/** The deploy tree with the model configured and pinned, rendered like an operator's overlay. */
function renderPinnedOverlay(kubectl: string): K8sObject[] {
  const tree = join(work, 'kubernetes')
  cpSync(join(DEPLOY, 'kubernetes'), tree, { recursive: true })
  const configPath = join(tree, 'base', 'config.yaml')
  const config = parseDocument(readFileSync(configPath, 'utf8'))
  config.setIn(['classifier', 'category_model', 'model_id'], REPO)
  // A pinned model that cannot be used must stop the pod, not fall back silently.
  config.setIn(['inference', 'strict_models'], true)
  writeFileSync(configPath, config.toString())
  writeFileSync(join(tree, 'base', 'models.lock.json'), lockText)
  const overlay = join(tree, 'overlays', 'dev', 'kustomization.yaml')
  writeFileSync(
    overlay,
    `${readFileSync(overlay, 'utf8')}\ncomponents:\n  - ../../components/model-hub-egress\n`,
  )
  const r = run(kubectl, ['kustomize', join(tree, 'overlays', 'dev')])
  assert.equal(r.status, 0, r.stderr)
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null)
}

before(async () => {
  await hub.start()
  commit = hub.addCommit(REPO, filesOf(join(ROOT, 'models', 'category-classifier')))
  // 1. Pin, on the operator's machine.
  const pinned = await runCliAsync([
    'models',
    'pull',
    REPO,
    '--cache-dir',
    join(work, 'pin'),
    '--endpoint',
    hub.url,
  ])
  assert.equal(pinned.status, 0, pinned.stdout + pinned.stderr)
  lockText = readFileSync(join(work, 'pin', 'models.lock.json'), 'utf8')
  // The branch moves on after pinning: the init container must still get the pinned commit.
  hub.addCommit(REPO, {
    ...filesOf(join(ROOT, 'models', 'category-classifier')),
    'config.json': Buffer.from('{}'),
  })
  const kubectl = findTool('kubectl')
  if (kubectl === undefined) {
    if (process.env['CI'] === 'true') throw new Error('kubectl is required under CI')
    return
  }
  // 2. Configure and render.
  rendered = renderPinnedOverlay(kubectl)
  const deployment = deploymentOf(rendered)
  const init = deployment.spec.template.spec.initContainers[0]
  initArgs = init.args
  cacheDir = init.volumeMounts.find((m: any) => m.name === 'models').mountPath
  const configMap: any = rendered.find((o) => o.kind === 'ConfigMap')
  const tampered: any = JSON.parse(lockText)
  const files = tampered.models['category-classifier'].files
  files['tokenizer.json'].sha256 = '0'.repeat(64)
  image = stageImage(
    {
      [CONFIG]: (path) => {
        const doc = parseDocument(configMap.data['config.yaml'] as string)
        // The volume, where the staged image has it (the config names it absolutely).
        doc.setIn(['inference', 'model_cache_dir'], path(cacheDir))
        return doc.toString()
      },
      [LOCK]: configMap.data['models.lock.json'] as string,
      [TAMPERED_LOCK]: JSON.stringify(tampered),
    },
    [cacheDir, '/tampered-cache'],
  )
})

after(async () => {
  await router?.stop()
  await hub.close()
  image?.remove()
  rmSync(work, { recursive: true, force: true })
})

test('the pinned overlay renders valid, cross-checked objects (hub egress included)', async (t) => {
  if (!image) return t.skip('kubectl is not installed')
  assert.deepEqual(await validateObjects(rendered), [])
  assert.deepEqual(checkManifests(rendered).problems, [])
  assert.deepEqual(initArgs.slice(0, 2), ['models', 'pull'])
})

test('the init container pulls the pinned commit, resumes after a restart, verifies sha256', async (t) => {
  if (!image) return t.skip('kubectl is not installed')
  const onnx = readFileSync(join(ROOT, 'models', 'category-classifier', 'onnx', 'model.onnx'))
  hub.cutNextDownloadAfter = Math.floor(onnx.length / 2)
  const first = await runInImage(initArgs)
  assert.equal(first.code, 1, first.out)
  assert.match(first.out, /model_download_failed.*run the same command again to resume/)
  const before = hub.requests.length
  const second = await runInImage(initArgs)
  assert.equal(second.code, 0, second.out)
  assert.match(
    second.out,
    new RegExp(`${REPO}@${commit.slice(0, 12)} \\(pinned\\).*sha256 verified`),
  )
  assert.match(second.out, /classifier\.category_model\.model_id: acme\/category-classifier → /)
  const requests = hub.requests.slice(before)
  assert.ok(
    requests.some((q) => q.headers.range !== undefined),
    'the download resumed with Range',
  )
  for (const q of requests.filter((r) => r.path.includes('/resolve/')))
    assert.ok(q.path.includes(`/resolve/${commit}/`), `${q.path} is not pinned to ${commit}`)
  const pulled = JSON.parse(readFileSync(join(image.path(cacheDir), 'models.lock.json'), 'utf8'))
  assert.equal(pulled.models['category-classifier'].commit, commit)
})

test('a pin the hub does not match fails the init container and keeps no such file', async (t) => {
  if (!image) return t.skip('kubectl is not installed')
  const r = await runInImage([...initArgs, '--cache-dir', '/tampered-cache'], TAMPERED_LOCK)
  assert.equal(r.code, 1, r.out)
  assert.match(r.out, /model_checksum_mismatch.*tokenizer\.json/)
  const tampered = image.path('/tampered-cache')
  assert.ok(!existsSync(join(tampered, 'category-classifier', 'tokenizer.json')))
  assert.ok(!existsSync(join(tampered, 'models.lock.json')), 'a failed pull records nothing')
})

test('the router starts on the pulled models (volume read-only) and classifies with them', async (t) => {
  if (!image) return t.skip('kubectl is not installed')
  const volume = image.path(cacheDir)
  for (const e of readdirSync(volume, { recursive: true, withFileTypes: true }))
    chmodSync(join(e.parentPath, e.name), e.isDirectory() ? 0o555 : 0o444)
  chmodSync(volume, 0o555)
  const { command, options } = image.entrypoint()
  router = await startRouterProcess(image.path(CONFIG), { command, ...options })
  const info = (await (await fetch(`${router.api}/info/models`)).json()) as {
    models: { name: string; model_path: string; metadata: { model_dir?: string } }[]
  }
  const model = info.models.find((m) => m.name === 'model_classifier')
  assert.equal(model?.model_path, REPO)
  assert.equal(model?.metadata.model_dir, join(volume, 'category-classifier'))
  const response = await fetch(`${router.api}/api/v1/classify/intent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'How do enzymes speed up chemical reactions in the cell?' }),
  })
  assert.equal(response.status, 200, await response.clone().text())
  const metrics = await (await fetch(`${router.metrics}/metrics`)).text()
  assert.doesNotMatch(metrics, /^llm_model_fallback_total\{[^}]*\} [1-9]/m)
})
