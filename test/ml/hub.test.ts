/**
 * Model management against a local server speaking the hub's download protocol: pull at a pinned
 * revision, resume with HTTP Range, lock-file sha256, verify, gated repos, and the CLI.
 */
import assert from 'node:assert/strict'
import { existsSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { isRouterError } from '../../src/errors.js'
import { readModelFolder } from '../../src/ml/folder.js'
import { HubClient } from '../../src/ml/hub/client.js'
import { readLock, verifyModel } from '../../src/ml/hub/lock.js'
import { pullModel } from '../../src/ml/hub/pull.js'
import { locateModel } from '../../src/ml/locate.js'
import { FakeHub } from '../helpers/fake-hub.js'
import { filesOf } from '../helpers/files.js'
import { runCliAsync } from '../helpers/processes.js'
import { GUARD_LABELS, tempDir, writeSequenceModel } from '../helpers/tiny-models.js'

/** Run the real CLI in its own process (the test runner owns this process's stdout). */
async function cli(args: string[]): Promise<{ code: number; text: string }> {
  const r = await runCliAsync(['models', ...args])
  return { code: r.status ?? 1, text: `${r.stdout}${r.stderr}` }
}

describe('models pull / list / verify (local hub)', () => {
  const hub = new FakeHub()
  const work = tempDir('sr-hub-')
  const model = filesOf(writeSequenceModel(join(work, 'src'), { labels: GUARD_LABELS }))
  // Padding makes the ONNX file big enough to cut a download in the middle of it.
  model['onnx/model.onnx'] = Buffer.concat([model['onnx/model.onnx']!])
  let firstCommit = ''
  let client: HubClient

  before(async () => {
    await hub.start()
    client = new HubClient({ endpoint: hub.url, token: 'secret' })
    firstCommit = hub.addCommit('acme/guard', {
      ...model,
      'README.md': Buffer.from('# guard'),
      'pytorch_model.bin': Buffer.alloc(10),
    })
    hub.addCommit('acme/no-onnx', {
      'config.json': model['config.json']!,
      'tokenizer.json': model['tokenizer.json']!,
    })
    hub.addCommit('acme/gated', model)
    hub.gate('acme/gated', 'secret')
  })
  after(() => hub.close())

  it('pulls the files a router needs at the resolved commit and locks their sha256', async () => {
    const cache = join(work, 'cache1')
    const r = await pullModel({ repo: 'acme/guard', cacheDir: cache, client })
    assert.equal(r.entry.commit, firstCommit)
    assert.deepEqual(Object.keys(r.entry.files).sort(), [
      'config.json',
      'onnx/model.onnx',
      'tokenizer.json',
      'tokenizer_config.json',
    ])
    assert.ok(
      !existsSync(join(cache, 'guard', 'pytorch_model.bin')),
      'weights the runtime cannot use are skipped',
    )
    assert.deepEqual(readModelFolder(r.dir).labels, GUARD_LABELS)
    assert.deepEqual(await verifyModel(r.dir, r.entry), [])
    assert.equal(
      locateModel('acme/guard', { baseDir: work, cacheDir: cache }),
      r.dir,
      'found by hub id',
    )
    const fileRequests = hub.requests.filter((q) => q.path.includes('/resolve/'))
    assert.ok(
      fileRequests.every((q) => q.path.includes(`/resolve/${firstCommit}/`)),
      'files pinned to the commit',
    )
    const storage = hub.requests.filter((q) => q.path.startsWith('/cdn/'))
    assert.ok(
      storage.length > 0 && storage.every((q) => q.headers.authorization === undefined),
      'no token sent to storage',
    )
    const again = await pullModel({ repo: 'acme/guard', cacheDir: cache, client })
    assert.equal(again.downloaded, 0)
    assert.equal(again.skipped, 4)
  })

  it('resumes an interrupted download with an HTTP Range request', async () => {
    const cache = join(work, 'cache2')
    const size = model['onnx/model.onnx']!.length
    hub.cutNextDownloadAfter = Math.floor(size / 2)
    await assert.rejects(
      pullModel({ repo: 'acme/guard', cacheDir: cache, client }),
      (err: unknown) =>
        isRouterError(err) &&
        err.code === 'model_download_failed' &&
        /again to resume/.test(err.message),
    )
    const partial = join(cache, 'guard', 'onnx', 'model.onnx.incomplete')
    const kept = statSync(partial).size
    assert.ok(kept > 0 && kept < size, `kept ${kept} of ${size} bytes`)
    const before = hub.requests.length
    const r = await pullModel({ repo: 'acme/guard', cacheDir: cache, client })
    const ranged = hub.requests.slice(before).find((q) => q.headers.range !== undefined)
    assert.equal(ranged?.headers.range, `bytes=${kept}-`)
    assert.ok(!existsSync(partial))
    assert.deepEqual(await verifyModel(r.dir, r.entry), [])
  })

  it('keeps the locked commit until a new revision is asked for', async () => {
    const cache = join(work, 'cache3')
    await pullModel({ repo: 'acme/guard', cacheDir: cache, client })
    const changed = {
      ...model,
      'config.json': Buffer.from(
        model['config.json']!.toString().replace('"bert"', '"modernbert"'),
      ),
    }
    const second = hub.addCommit('acme/guard', changed)
    const pinned = await pullModel({ repo: 'acme/guard', cacheDir: cache, client })
    assert.equal(pinned.entry.commit, firstCommit)
    assert.equal(pinned.downloaded, 0)
    const moved = await pullModel({ repo: 'acme/guard', cacheDir: cache, client, revision: 'main' })
    assert.equal(moved.entry.commit, second)
    assert.equal(readModelFolder(moved.dir).modelType, 'modernbert')
    assert.equal(readLock(cache).models['guard']?.commit, second)
  })

  it('explains unknown repos, repos without ONNX and gated repos', async () => {
    const cache = join(work, 'cache4')
    await assert.rejects(
      pullModel({ repo: 'acme/nothing', cacheDir: cache, client }),
      /HTTP 404.*repo id/,
    )
    await assert.rejects(
      pullModel({ repo: 'acme/no-onnx', cacheDir: cache, client }),
      /no ONNX export.*optimum-cli/,
    )
    const anonymous = new HubClient({ endpoint: hub.url, token: '' })
    await assert.rejects(
      pullModel({ repo: 'acme/gated', cacheDir: cache, client: anonymous }),
      /HTTP 401.*HF_TOKEN/,
    )
    const r = await pullModel({ repo: 'acme/gated', cacheDir: cache, client })
    assert.equal(Object.keys(r.entry.files).length, 4)
  })

  it('CLI: pull, list and verify, with verify failing on a changed file', async () => {
    const cache = join(work, 'cache5')
    const args = ['--cache-dir', cache, '--endpoint', hub.url]
    let run = await cli(['pull', 'acme/guard', '--revision', firstCommit, ...args])
    assert.equal(run.code, 0)
    assert.match(run.text, /4 downloaded/)
    run = await cli(['list', ...args])
    assert.match(run.text, /guard {2}acme\/guard@[0-9a-f]{40} commit [0-9a-f]{12} {2}4 files/)
    run = await cli(['verify', ...args])
    assert.equal(run.code, 0)
    writeFileSync(join(cache, 'guard', 'tokenizer_config.json'), '{"changed": true}')
    run = await cli(['verify', ...args])
    assert.equal(run.code, 1)
    assert.match(run.text, /FAILED {3}guard[\s\S]*tokenizer_config.json: (size|sha256) differs/)
  })
})
