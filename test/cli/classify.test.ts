/**
 * `semantic-router classify` as the README shows it: the printed decision matches the README's
 * example (confidences to within 0.01 and above the bundled threshold), and the command exits
 * once it has printed — even with the semantic cache on and its coalescing wait set to ten
 * minutes (a request that is never sent must not hold the process; the CLI runner's 60 s deadline
 * fails the test if it does).
 */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parseDocument } from 'yaml'
import { runCli } from '../helpers/processes.js'

const ROOT = join(import.meta.dirname, '..', '..')
const CONFIDENCES = ['confidence', 'decision_confidence']

/** The README's `classify` example: the question and the JSON it shows. */
async function readmeExample(): Promise<{ question: string; shown: Record<string, unknown> }> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8')
  const m =
    /\.\/bin\/semantic-router\.js classify "([^"]+)"\n```\n\n```\n(\{[\s\S]*?\n\})\n```/.exec(
      readme,
    )
  assert.ok(m, 'README shows a classify example and its output')
  return { question: m[1]!, shown: JSON.parse(m[2]!) as Record<string, unknown> }
}

describe('classify CLI (README example)', () => {
  it('prints the decision the README shows and exits, the cache holding nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sr-classify-'))
    try {
      const doc = parseDocument(await readFile(join(ROOT, 'config', 'config.yaml'), 'utf8'))
      assert.equal(doc.getIn(['semantic_cache', 'enabled']), true)
      doc.setIn(['semantic_cache', 'coalesce_wait_ms'], 600_000)
      const path = join(dir, 'config.yaml')
      await writeFile(path, doc.toString())
      const { question, shown } = await readmeExample()
      const r = runCli(['classify', '--config', path, question])
      assert.equal(
        r.status,
        0,
        `exit status ${String(r.status)} (null: killed at 60 s) ${r.stderr}`,
      )
      const printed = JSON.parse(r.stdout) as Record<string, unknown>
      // The confidences are floats from the embedded model, whose last digits move with every
      // retraining: what the README promises is the decision, and that the model was sure enough
      // to route on it. So both must clear the bundled threshold and stay within 0.01 of the
      // README's figure; every other field must match exactly.
      const threshold = Number(doc.getIn(['classifier', 'category_model', 'threshold']))
      for (const field of CONFIDENCES) {
        const value = Number(printed[field])
        assert.ok(value >= threshold, `${field} ${value} is under the threshold ${threshold}`)
        assert.ok(
          Math.abs(value - Number(shown[field])) <= 0.01,
          `${field}: printed ${value}, README shows ${String(shown[field])}`,
        )
      }
      const rest = (o: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(o).filter(([k]) => !CONFIDENCES.includes(k)))
      assert.deepEqual(rest(printed), rest(shown))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
