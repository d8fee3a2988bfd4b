/**
 * `models pull --lock`: reproducing a lock file against a local server speaking the hub's download
 * protocol. The init-container path end to end (staged image, resume, tampered pin) is in
 * test/deploy/model-init.test.ts; this covers the library's own contract and refusals.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { isRouterError } from '../../src/errors.js'
import { HubClient } from '../../src/ml/hub/client.js'
import { LOCK_FILE, readLock, verifyModel, type LockFile } from '../../src/ml/hub/lock.js'
import { pullPinned } from '../../src/ml/hub/pinned.js'
import { pullModel } from '../../src/ml/hub/pull.js'
import { FakeHub } from '../helpers/fake-hub.js'
import { runCliAsync } from '../helpers/processes.js'
import { GUARD_LABELS, tempDir, writeSequenceModel } from '../helpers/tiny-models.js'
import { filesOf } from '../helpers/files.js'

/** Write a lock file into its own directory (a lock file must be named models.lock.json). */
function writePins(dir: string, lock: LockFile): string {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify(lock))
  return join(dir, LOCK_FILE)
}

function codeOf(err: unknown): string {
  return isRouterError(err) ? err.code : String(err)
}

describe('models pull --lock (local hub)', () => {
  const hub = new FakeHub()
  const work = tempDir('sr-pinned-')
  let client: HubClient
  let pinnedCommit = ''
  let pins = ''

  before(async () => {
    await hub.start()
    client = new HubClient({ endpoint: hub.url })
    const model = filesOf(writeSequenceModel(join(work, 'src'), { labels: GUARD_LABELS }))
    pinnedCommit = hub.addCommit('acme/guard', model)
    // Pinned on a developer's machine; the branch then moves on.
    await pullModel({ repo: 'acme/guard', cacheDir: join(work, 'dev'), client })
    pins = join(work, 'dev', LOCK_FILE)
    hub.addCommit('acme/guard', { ...model, 'config.json': Buffer.from('{"moved":true}') })
  })
  after(() => hub.close())

  it('reproduces the pinned commit, records it, and keeps intact files on a re-run', async () => {
    const cache = join(work, 'deploy')
    const [first] = await pullPinned({ lockFile: pins, cacheDir: cache, client })
    assert.ok(first)
    assert.equal(first.entry.commit, pinnedCommit)
    assert.equal(first.skipped, 0)
    assert.ok(first.downloaded >= 3)
    const recorded = readLock(cache).models['guard']!
    assert.equal(recorded.commit, pinnedCommit)
    assert.deepEqual(await verifyModel(join(cache, 'guard'), recorded), [])
    assert.notEqual(readFileSync(join(cache, 'guard', 'config.json'), 'utf8'), '{"moved":true}')
    const [again] = await pullPinned({ lockFile: pins, cacheDir: cache, client })
    assert.ok(again)
    assert.equal(again.downloaded, 0)
    assert.equal(again.skipped, first.downloaded)
  })

  it('refuses a missing lock file, a wrongly named one, and names that escape the cache', async () => {
    const cacheDir = join(work, 'refused')
    const attempt = (lockFile: string) => pullPinned({ lockFile, cacheDir, client })
    await assert.rejects(attempt(join(work, 'nowhere', LOCK_FILE)), (e) => {
      return codeOf(e) === 'model_missing'
    })
    const renamed = join(work, 'pins.json')
    writeFileSync(renamed, readFileSync(pins))
    await assert.rejects(attempt(renamed), (e) => codeOf(e) === 'model_invalid')
    const entry = readLock(join(work, 'dev')).models['guard']!
    for (const [key, files] of [
      ['../outside', entry.files],
      ['guard', { '../../escape.json': entry.files['config.json']! }],
    ] as const) {
      const lock = writePins(join(work, `escape-${key.length}`), {
        version: 1,
        models: { [key]: { ...entry, files } },
      })
      await assert.rejects(attempt(lock), (e) => {
        return codeOf(e) === 'model_invalid' && /points outside/.test((e as Error).message)
      })
    }
    assert.ok(!existsSync(join(work, 'escape.json')) && !existsSync(join(work, 'outside')))
  })

  it('the CLI: --lock with a repo id is bad usage; nothing pinned or named keeps the embedded models', async () => {
    const both = await runCliAsync(['models', 'pull', 'acme/guard', '--lock', pins])
    assert.equal(both.status, 2, both.stderr)
    assert.match(both.stderr, /models: pull takes a repo id or --lock, not both/)
    const empty = writePins(join(work, 'empty'), { version: 1, models: {} })
    const config = join(work, 'config.yaml')
    writeFileSync(config, `inference:\n  model_cache_dir: ${join(work, 'empty-cache')}\n`)
    const none = await runCliAsync(['models', 'pull', '--lock', empty, '--config', config])
    assert.equal(none.status, 0, none.stderr)
    assert.match(none.stdout, /no models pinned or configured: the router uses its embedded models/)
  })
})
