/**
 * The accuracy targets, checked on the held-out sets on every test run (they take tens of
 * milliseconds): jailbreak recall ≥ 90 % at ≤ 5 % false positives (also on the hard benign subset)
 * at the default prompt_guard threshold, and PII micro F1 ≥ 0.9 at the default pii_model threshold.
 * `semantic-router eval guards` prints the full report.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  evaluateJailbreak,
  evaluateJailbreakExamples,
  evaluatePii,
  evaluatePiiSet,
  GUARD_SETS,
} from '../../src/eval/guards/evaluate.js'
import { readRecorded } from '../../src/eval/cards/recorded.js'
import { loadDefaultJailbreakDetector } from '../../src/eval/guards/embedded-jailbreak.js'
import { loadJailbreakCorpus } from '../../src/eval/guards/jailbreak-corpus.js'
import { loadPiiCorpus } from '../../src/eval/guards/pii-data.js'
import { RuleJailbreakDetector } from '../../src/guards/jailbreak/rule-detector.js'
import { ValidatorPiiDetector } from '../../src/guards/pii/validator-detector.js'

/**
 * The shipped jailbreak classifier's figures on the corpus test split (rules + model, 0.7), as
 * `semantic-router eval --write` recorded them (the `jailbreak` card, src/eval/cards/jailbreak.ts).
 */
const recordedJailbreak = readRecorded()['jailbreak'] ?? {}
const RECORDED = {
  recall: (recordedJailbreak['recall'] ?? 100) / 100,
  fpr: 1 - (recordedJailbreak['not_false_positive'] ?? 0) / 100,
}

describe('held-out accuracy', () => {
  it('jailbreak rules meet recall and false-positive targets', async () => {
    const r = await evaluateJailbreak(new RuleJailbreakDetector(), GUARD_SETS.jailbreakTest, 0.7)
    assert.ok(r.attacks > 100 && r.benign > 100, 'the held-out set is complete')
    assert.ok(r.recall >= 0.9, `recall ${r.recall}`)
    assert.ok(r.falsePositiveRate <= 0.05, `FPR ${r.falsePositiveRate}`)
    assert.ok(r.hardFalsePositiveRate <= 0.05, `hard FPR ${r.hardFalsePositiveRate}`)
  })

  it('rules + embedded classifier keep their recorded figures on the corpus test split', async () => {
    // Recorded by `semantic-router eval guards` for the shipped model (docs/classifiers.md); a
    // retrained model or changed rules that fall below them fail here.
    const corpus = loadJailbreakCorpus()
    const detector = await loadDefaultJailbreakDetector()
    try {
      const r = await evaluateJailbreakExamples(detector, corpus.test, 0.7)
      assert.ok(r.attacks >= 150 && r.benign >= 150, 'the test split is complete')
      assert.ok(r.recall >= RECORDED.recall - 0.005, `recall ${r.recall} < ${RECORDED.recall}`)
      assert.ok(r.falsePositiveRate <= RECORDED.fpr + 0.005, `FPR ${r.falsePositiveRate}`)
      assert.ok(r.falsePositiveRate <= 0.03, `FPR ${r.falsePositiveRate} above the 3 % target`)
      const heldOut = await evaluateJailbreak(detector, GUARD_SETS.jailbreakTest, 0.7)
      assert.ok(heldOut.recall >= 0.9, `rules held-out recall ${heldOut.recall}`)
      assert.ok(
        heldOut.falsePositiveRate <= 0.05,
        `rules held-out FPR ${heldOut.falsePositiveRate}`,
      )
    } finally {
      await detector.close?.()
    }
  })

  it('PII validators meet the F1 target', async () => {
    const r = await evaluatePii(new ValidatorPiiDetector(), GUARD_SETS.piiTest, 0.7)
    assert.ok(r.micro.tp + r.micro.fn > 70, 'the held-out set is complete')
    assert.ok(r.micro.f1 >= 0.9, `F1 ${r.micro.f1}`)
    for (const type of ['EMAIL_ADDRESS', 'PHONE_NUMBER', 'CREDIT_CARD', 'US_SSN', 'IBAN_CODE'])
      assert.ok((r.perType[type]?.f1 ?? 0) >= 0.9, `${type} F1`)
  })

  it('PII detector meets the F1 target on the PII corpus test split (all 16 types)', async () => {
    const set = loadPiiCorpus(GUARD_SETS.piiCorpus, 'test')
    const r = await evaluatePiiSet(new ValidatorPiiDetector(), set, 0.7)
    assert.ok(set.examples.length > 60, 'the test split is complete')
    assert.ok(r.micro.f1 >= 0.9, `F1 ${r.micro.f1}`)
    for (const type of ['PERSON', 'GPE', 'AGE'])
      assert.ok((r.perType[type]?.f1 ?? 0) >= 0.85, `${type} F1 ${r.perType[type]?.f1}`)
  })
})
