/**
 * The README's OpenAI-client snippet, run as the README says: saved as `client.mjs` in a folder of
 * its own and run with `node client.mjs` against a real router (the base URL pointed at the test's
 * gateway). The same file saved as `client.js` fails the way the README warns on Node 20.18 (our
 * minimum; later versions guess the module type), so the note stays true.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { FAMILY_MODELS, familiesConfig, useSimulatedRouter } from '../helpers/router.js'
import { runNodeAsync } from '../helpers/processes.js'

const ROOT = join(import.meta.dirname, '..', '..')

describe('README OpenAI client snippet', () => {
  const t = useSimulatedRouter(FAMILY_MODELS, (port) => familiesConfig(port))
  let dir: string
  let snippet: string

  before(async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
    const m = /```js\n(import OpenAI from 'openai'[\s\S]*?)```/.exec(readme)
    assert.ok(m, 'README has the OpenAI client snippet')
    assert.match(readme, /Save it as \*\*`client\.mjs`\*\*/)
    assert.match(m[1]!, /baseURL: 'http:\/\/127\.0\.0\.1:8801\/v1'/)
    snippet = m[1]!.replace('http://127.0.0.1:8801/v1', t.router.baseURL)
    // A folder outside the repository (no package.json), with the repository's packages reachable.
    dir = await mkdtemp(join(tmpdir(), 'sr-client-'))
    await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
  })

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('runs as client.mjs: routed answer, then a streamed one', async () => {
    await writeFile(join(dir, 'client.mjs'), snippet)
    const r = await runNodeAsync(['client.mjs'], { cwd: dir })
    assert.equal(r.status, 0, r.stdout + r.stderr)
    // First line: the selected model header, then the simulator's answer.
    const [selected] = r.stdout.split(' ')
    assert.ok(FAMILY_MODELS.includes(selected!), r.stdout)
    assert.match(r.stdout, /Simulated answer from/)
    assert.equal(
      t.sim.receivedChats().filter((c) => (c.json as { stream?: boolean }).stream === true).length,
      1,
    )
  })

  it('fails as client.js on Node 20.18 with the error the README names', async () => {
    await writeFile(join(dir, 'client.js'), snippet)
    // Node 20.19+ guesses the module type from the syntax; 20.18 (our minimum) does not.
    const r = await runNodeAsync(['--no-experimental-detect-module', 'client.js'], { cwd: dir })
    assert.notEqual(r.status, 0)
    assert.match(r.stderr, /Cannot use import statement outside a module/)
  })
})
