/**
 * docs/cookbook.md cannot rot: every recipe is read from the document, its config validated (no
 * errors, no warnings), served with simulated backends, and every request checked against what the
 * recipe says you will see (test/helpers/cookbook.ts). The harness itself is checked to fail on a
 * wrong expectation.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parseCookbook, parseCurl, runRecipe, shellWords } from '../helpers/cookbook.js'

const ROOT = join(import.meta.dirname, '..', '..')
const COOKBOOK = readFileSync(join(ROOT, 'docs', 'cookbook.md'), 'utf8')
const recipes = parseCookbook(COOKBOOK)

describe('docs/cookbook.md', () => {
  it('holds the recipes a platform team asks for, each with a request and an expectation', () => {
    assert.ok(recipes.length >= 10, `${recipes.length} recipes`)
    const ids = recipes.map((r) => r.id)
    assert.equal(new Set(ids).size, ids.length, 'recipe ids are unique')
    for (const r of recipes)
      for (const [i, step] of r.steps.entries())
        assert.ok(
          step.response ?? step.responseJson ?? step.upstreamHeaders ?? step.upstreamJson,
          `${r.id} request ${i + 1} shows what you will see`,
        )
    // Recipes plus the ones announced for features in progress make the dozen.
    const coming = [...COOKBOOK.matchAll(/^\| ([^|]+) \| issue \d+/gm)].length
    assert.ok(recipes.length + coming >= 12, `${recipes.length} + ${coming} announced`)
  })

  for (const recipe of recipes)
    it(`${recipe.title} (${recipe.id})`, async () => {
      await runRecipe(recipe)
    })
})

describe('cookbook harness', () => {
  it('reads curl commands as a shell would', () => {
    assert.deepEqual(shellWords(`curl -s 'a b' "c \\"d\\"" e\\ f \\\n  -d 'it'\\''s'`), [
      'curl',
      '-s',
      'a b',
      'c "d"',
      'e f',
      '-d',
      "it's",
    ])
    const r = parseCurl(
      `curl -s -D - -o /dev/null http://127.0.0.1:8801/v1/chat/completions -H 'content-type: application/json' -d '{"a": 1}'`,
    )
    assert.deepEqual(r, {
      port: 8801,
      path: '/v1/chat/completions',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a": 1}',
    })
    assert.throws(() => parseCurl('curl --insecure http://127.0.0.1:8801/'), /not understood/)
    assert.deepEqual(shellWords(`-d "{\\"c\\":\\"$(printf 'ab %.0s' {1..3})\\"}"`), [
      '-d',
      '{"c":"ab ab ab "}',
    ])
  })

  it('fails a recipe whose stated outcome is wrong', async () => {
    const [recipe] = parseCookbook(
      COOKBOOK.replace('x-vsr-selected-model: qwen3-coder', 'x-vsr-selected-model: small-chat'),
    ).filter((r) => r.id === 'coding-model')
    assert.ok(recipe)
    await assert.rejects(runRecipe(recipe), /x-vsr-selected-model/)
  })

  it('fails a recipe whose config has a warning', async () => {
    const [recipe] = parseCookbook(
      COOKBOOK.replace(
        'default_model: small-chat\ninclude_config',
        'defualt_model: small-chat\ninclude_config',
      ),
    ).filter((r) => r.id === 'explicit-models')
    assert.ok(recipe)
    await assert.rejects(runRecipe(recipe), /without warnings/)
  })
})
