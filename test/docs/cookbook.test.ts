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
import { localise, parseCookbook, runRecipe } from '../helpers/cookbook.js'
import {
  applyPipes,
  assertOutput,
  parseCommand,
  parseCurl,
  shellWords,
} from '../helpers/cookbook-shell.js'

const ROOT = join(import.meta.dirname, '..', '..')
const COOKBOOK = readFileSync(join(ROOT, 'docs', 'cookbook.md'), 'utf8')
const recipes = parseCookbook(COOKBOOK)
/** `COOKBOOK_RECIPE=id[,id]` runs only those recipes (while writing one). */
const only = process.env.COOKBOOK_RECIPE?.split(',')

describe('docs/cookbook.md', () => {
  it('holds the recipes a platform team asks for, each with a request and an expectation', () => {
    assert.ok(recipes.length >= 12, `${recipes.length} recipes`)
    const ids = recipes.map((r) => r.id)
    assert.equal(new Set(ids).size, ids.length, 'recipe ids are unique')
    for (const r of recipes)
      for (const [i, step] of r.steps.entries())
        assert.ok(
          step.response ??
            step.responseJson ??
            step.upstreamHeaders ??
            step.upstreamJson ??
            step.output,
          `${r.id} request ${i + 1} shows what you will see`,
        )
  })

  for (const recipe of recipes.filter((r) => !only || only.includes(r.id)))
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
      printHeaders: true,
      printBody: false,
      writeOut: undefined,
    })
    assert.throws(() => parseCurl('curl --insecure http://127.0.0.1:8801/'), /not understood/)
    assert.deepEqual(shellWords(`-d "{\\"c\\":\\"$(printf 'ab %.0s' {1..3})\\"}"`), [
      '-d',
      '{"c":"ab ab ab "}',
    ])
  })

  it('reads loops and pipes, and prints what curl and the pipes would', () => {
    const loop = parseCommand(
      `for i in $(seq 1 3); do curl -s -o /dev/null -w '%header{x-a}\\n' http://127.0.0.1:8801/ \\\n  -d "{\\"user\\": \\"u$i\\", \\"p\\": \\"a|b\\"}"; done | sort | uniq -c`,
    )
    assert.deepEqual(loop.loop, { name: 'i', values: ['1', '2', '3'] })
    assert.deepEqual(loop.pipes, ['sort', 'uniq -c'])
    assert.equal(parseCurl(loop.curl, { i: '2' }).body, '{"user": "u2", "p": "a|b"}')
    assert.equal(parseCurl(`curl -d '$i' http://127.0.0.1:8801/`, { i: '2' }).body, '$i')
    assert.equal(parseCurl(loop.curl).writeOut, '%header{x-a}\\n')
    const words = parseCommand(
      `for q in "a b" 'c' \\\n  d; do curl -w "$q\\n" http://127.0.0.1:8801/; done`,
    )
    assert.deepEqual(words.loop, { name: 'q', values: ['a b', 'c', 'd'] })
    assert.equal(parseCurl(words.curl, { q: 'a b' }).writeOut, 'a b\\n')
    assert.equal(applyPipes('b\na\nb\n', ['sort', 'uniq -c']), '      1 a\n      2 b')
    assert.equal(applyPipes('x 1\ny 2\nx 3\n', [`grep -E '^x [0-9]'`, 'wc -l']), '2')
    assertOutput('      1 a\n     48 b', '1 a\n[40-60] b', 'ok')
    assertOutput('llm_x{model="m",b="c"} 3', 'llm_x{...model="m"...} 3', 'ok')
    assert.throws(() => assertOutput('     61 b', '[40-60] b', 'w'), /61 is not in 40-60/)
    assert.throws(() => assertOutput('a\nb', 'a', 'w'), /1 lines printed/)
    assert.throws(() => applyPipes('a', ['awk 1']), /not understood/)
    // Documented ports in a pipe or an expected output name the free ports of the run.
    const ports = new Map([[18001, 40001]])
    assert.equal(localise(`grep '127.0.0.1:18001'`, ports), `grep '127.0.0.1:40001'`)
    assert.equal(
      localise('127.0.0.1:18002 127.0.0.1:18001', ports),
      '127.0.0.1:18002 127.0.0.1:40001',
    )
  })

  it('runs loops, backend faults and metrics as a reader would', async () => {
    const [recipe] = parseCookbook(HARNESS_RECIPE)
    assert.ok(recipe)
    await runRecipe(recipe)
    const wrong = parseCookbook(HARNESS_RECIPE.replace('3 503 upstream', '3 200 upstream'))[0]!
    await assert.rejects(runRecipe(wrong), /line 1 is "3 503 upstream"/)
  })

  it('writes the files a recipe shows beside its config', async () => {
    const [recipe] = parseCookbook(FILES_RECIPE)
    assert.ok(recipe)
    assert.deepEqual(Object.keys(recipe.files), ['keys.yaml'])
    await runRecipe(recipe)
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

/** Every harness feature beyond one request: a loop with `$i`, a backend made to fail, metrics. */
const HARNESS_RECIPE = `## Harness check

\`\`\`yaml recipe=harness-check
vllm_endpoints:
  - { name: a, address: 127.0.0.1, port: 18001 }
  - { name: b, address: 127.0.0.1, port: 18002 }
model_config:
  small-chat: { preferred_endpoints: [a] }
  qwen3-8b: { preferred_endpoints: [b] }
default_model: small-chat
\`\`\`

\`\`\`sh request
for i in $(seq 1 4); do curl -s -o /dev/null -w '%header{x-vsr-selected-model}\\n' \\
  http://127.0.0.1:8801/v1/chat/completions -H 'content-type: application/json' \\
  -d "{\\"model\\": \\"MoM\\", \\"user\\": \\"u$i\\", \\"messages\\": [{\\"role\\": \\"user\\", \\"content\\": \\"Hello\\"}]}"
done | sort | uniq -c
\`\`\`

\`\`\`text output
4 small-chat
\`\`\`

\`\`\`json upstream
{ "user": "u4" }
\`\`\`

\`\`\`sh request
curl -s -X PUT http://127.0.0.1:18002/_simulator/models/qwen3-8b/fault -d '{"spec": "status=503"}'
\`\`\`

\`\`\`http response
HTTP/1.1 200 OK
\`\`\`

\`\`\`sh request
for i in $(seq 3); do curl -s -o /dev/null -w '%{http_code} %header{x-vsr-error-source}\\n' \\
  http://127.0.0.1:8801/v1/chat/completions -H 'content-type: application/json' \\
  -d '{"model": "qwen3-8b", "messages": [{"role": "user", "content": "Hello"}]}'; done | uniq -c
\`\`\`

\`\`\`text output
3 503 upstream
\`\`\`

\`\`\`sh request
curl -s http://127.0.0.1:9190/metrics | grep '^llm_model_requests_total{'
\`\`\`

\`\`\`text output
llm_model_requests_total{model="MoM"} 4
llm_model_requests_total{...model="qwen3-8b"...} 3
\`\`\`
`

/** A recipe with a file beside its config: API keys (only the key's SHA-256 is in the file). */
const FILES_RECIPE = `## Files check

\`\`\`yaml recipe=files-check
vllm_endpoints:
  - { name: a, address: 127.0.0.1, port: 18001 }
model_config:
  small-chat: { preferred_endpoints: [a] }
default_model: small-chat
security:
  auth: { enabled: true, keys_file: keys.yaml }
\`\`\`

\`\`\`yaml file=keys.yaml
keys:
  - { id: team-a, sha256: 8879f6a4ae35c420a15d35fed3b8dd07577207803d404f6d4cc4fa829dafa910 }
\`\`\`

\`\`\`sh request
curl -s http://127.0.0.1:8801/v1/chat/completions -H 'content-type: application/json' \\
  -d '{"model": "MoM", "messages": [{"role": "user", "content": "Hello"}]}'
\`\`\`

\`\`\`http response
HTTP/1.1 401 Unauthorized
\`\`\`

\`\`\`sh request
curl -s -o /dev/null -w '%{http_code}\\n' http://127.0.0.1:8801/v1/chat/completions \\
  -H 'authorization: Bearer sk-team-a' -H 'content-type: application/json' \\
  -d '{"model": "MoM", "messages": [{"role": "user", "content": "Hello"}]}'
\`\`\`

\`\`\`text output
200
\`\`\`
`
