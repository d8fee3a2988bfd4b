import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { targetDir } from './target-dir.js'

/** Windows' rules for one path component (learn.microsoft.com: "Naming Files, Paths, and Namespaces"). */
function validOnWindows(name: string): boolean {
  if (name === '' || /[<>:"/\\|?*\p{Cc}]/u.test(name) || /[. ]$/.test(name)) return false
  return !/^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i.test(name)
}

describe('targetDir', () => {
  it('keeps upstream-style ids readable', () => {
    assert.equal(targetDir('router::auto'), 'router--auto')
    assert.equal(targetDir('vllm::qwen3-8b'), 'vllm--qwen3-8b')
    assert.equal(targetDir('vllm::Qwen/Qwen3-8B'), 'vllm--Qwen_Qwen3-8B')
    assert.equal(targetDir('vllm::my model'), 'vllm--my_model')
  })
  it('is valid on Windows for ids that are not', () => {
    const ids = [
      'router::auto',
      'vllm::a:b',
      'vllm::a<b>c"d|e?f*g',
      'x\\y',
      'model.',
      'model ',
      'CON',
      'nul.txt',
      'com1',
      'LPT9.log',
      '',
      '..',
      'tab\there',
    ]
    for (const id of ids) assert.ok(validOnWindows(targetDir(id)), `${id} → ${targetDir(id)}`)
    assert.ok(!validOnWindows('router::auto'), 'the check itself rejects the old name')
  })
})
