/**
 * Classifier test vectors for the embedded guards (roadmap #14): fixed inputs with the expected
 * label, confidence (2 decimals) and firing rules for jailbreak, and the exact entities and masked
 * text for PII. A change to rules or recognizers that moves any of these fails here; update the
 * fixtures only for an intended change (regenerate, review the diff, commit both).
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { RuleJailbreakDetector } from '../../src/guards/jailbreak/rule-detector.js'
import { maskText } from '../../src/guards/pii/mask.js'
import { ValidatorPiiDetector } from '../../src/guards/pii/validator-detector.js'

interface JailbreakVector {
  name: string
  text: string
  expected: { label: string; confidence: number; rules: string[] }
}
interface PiiVector {
  name: string
  text: string
  expected: {
    entities: { type: string; value: string; start: number; end: number; confidence: number }[]
    masked: string
  }
}

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/guards/${name}`, import.meta.url), 'utf8')) as T

describe('jailbreak test vectors', () => {
  const detector = new RuleJailbreakDetector()
  for (const v of fixture<JailbreakVector[]>('jailbreak-vectors.json')) {
    it(v.name, async () => {
      const verdict = await detector.detect(v.text)
      assert.equal(verdict.label, v.expected.label)
      assert.equal(verdict.isJailbreak, v.expected.label === 'jailbreak')
      assert.equal(Number(verdict.confidence.toFixed(2)), v.expected.confidence)
      const rules = (verdict.detail ?? '')
        .split(' ')[0]!
        .split('+')
        .filter(Boolean)
        .map((s) => s.replace(/\(.*$/, ''))
      assert.deepEqual(rules, v.expected.rules)
    })
  }
})

describe('PII test vectors', () => {
  const detector = new ValidatorPiiDetector()
  for (const v of fixture<PiiVector[]>('pii-vectors.json')) {
    it(v.name, async () => {
      const entities = await detector.detect(v.text)
      assert.deepEqual(
        entities.map(({ type, value, start, end, confidence }) => ({
          type,
          value,
          start,
          end,
          confidence,
        })),
        v.expected.entities,
      )
      for (const e of entities) assert.equal(v.text.slice(e.start, e.end), e.value)
      assert.equal(maskText(v.text, entities), v.expected.masked)
    })
  }
})
