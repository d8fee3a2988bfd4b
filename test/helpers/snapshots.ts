/**
 * Snapshot files for model outputs (test/fixtures/ml/<name>.snapshot.json). A mismatch means a
 * model or the runtime changed what it outputs: if that was intended, regenerate with
 * UPDATE_SNAPSHOTS=1 and review the diff like code.
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const ML_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'ml')

/** Round to two decimals: snapshots pin boundaries, not float noise. */
export function round2(values: ArrayLike<number>): number[] {
  return Array.from(values, (v) => Math.round(v * 100) / 100)
}

export function checkSnapshot(name: string, actual: unknown): void {
  const file = join(ML_FIXTURES, `${name}.snapshot.json`)
  if (process.env['UPDATE_SNAPSHOTS'] === '1' || !existsSync(file)) {
    // One line per row keeps review diffs readable.
    const body = Array.isArray(actual)
      ? `[\n${actual.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]`
      : JSON.stringify(actual, null, 1)
    writeFileSync(file, `${body}\n`)
  }
  const expected: unknown = JSON.parse(readFileSync(file, 'utf8'))
  assert.deepEqual(
    actual,
    expected,
    `${name} outputs changed; if intended, run with UPDATE_SNAPSHOTS=1`,
  )
}

/** Cosine of each pair through `embed`, rounded, checked against snapshot `name`. */
export async function checkSimilaritySnapshot(
  name: string,
  pairs: readonly (readonly [string, string])[],
  embed: (texts: string[]) => Promise<Float32Array[]>,
): Promise<void> {
  const rows = []
  for (const [a, b] of pairs) {
    const [va, vb] = await embed([a, b])
    let cos = 0
    for (let i = 0; i < va!.length; i++) cos += va![i]! * vb![i]!
    rows.push({ a, b, cosine: round2([cos])[0] })
  }
  checkSnapshot(name, rows)
}
