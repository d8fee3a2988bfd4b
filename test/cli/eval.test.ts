/** `semantic-router eval guards` as a user runs it: the report, the JSON form, and bad usage. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { runCli as cli } from '../helpers/processes.js'

describe('eval command', () => {
  it('prints jailbreak recall/FPR and PII per-type scores as JSON', () => {
    const r = cli(['eval', 'guards', '--json'])
    assert.equal(r.status, 0, r.stderr)
    const report = JSON.parse(r.stdout) as {
      jailbreak: { test: { recall: number; falsePositiveRate: number; hardBenign: number } }
      robustness: { evasion: string }[]
      pii: { test: { perType: Record<string, { f1: number }>; micro: { f1: number } } }
    }
    assert.ok(report.jailbreak.test.recall >= 0.9)
    assert.ok(report.jailbreak.test.hardBenign > 40)
    assert.ok(report.robustness.some((row) => row.evasion === 'padding_benign_words'))
    assert.ok(report.pii.test.micro.f1 >= 0.9)
    assert.ok('IBAN_CODE' in report.pii.test.perType)
  })

  it('prints a readable report and refuses unknown subjects', () => {
    const r = cli(['eval', 'guards'])
    assert.equal(r.status, 0, r.stderr)
    assert.match(r.stdout, /held-out +attacks \d+, benign \d+ \(hard \d+\): recall [\d.]+%/)
    assert.match(r.stdout, /US_SSN/)
    assert.equal(cli(['eval', 'horoscope']).status, 2)
  })
})
