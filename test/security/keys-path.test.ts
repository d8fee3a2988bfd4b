/**
 * A relative `security.auth.keys_file` is read beside the config file (like model paths), not
 * from wherever the router was started: the cookbook's "save keys.yaml beside recipe.yaml".
 */
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { keyDigest } from '../../src/config/api-keys.js'
import { familiesConfig, startRouter } from '../helpers/router.js'

it('a relative keys_file is found beside the config file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sec-keypath-'))
  writeFileSync(join(dir, 'keys.yaml'), `keys:\n  - { id: k, sha256: ${keyDigest('sk-beside')} }\n`)
  const configPath = join(dir, 'config.yaml')
  writeFileSync(
    configPath,
    familiesConfig(1, 'security: { auth: { enabled: true, keys_file: keys.yaml } }\n'),
  )
  const router = await startRouter('', { configPath })
  try {
    const res = await fetch(`${router.apiUrl}/api/v1/classify/intent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-beside' },
      body: JSON.stringify({ text: 'what is the integral of x' }),
    })
    assert.equal(res.status, 200, await res.text())
  } finally {
    await router.close()
  }
})
