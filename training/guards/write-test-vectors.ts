/**
 * Rewrites the expected outputs of the guard test vectors (test/fixtures/guards/*.json) from the
 * current detectors, keeping each vector's name and text. Run after an intended change to rules or
 * recognizers, review `git diff test/fixtures/guards`, and commit both.
 *
 *   node --import tsx training/guards/write-test-vectors.ts && npx prettier --write test/fixtures/guards
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { RuleJailbreakDetector } from '../../src/guards/jailbreak/rule-detector.js'
import { maskText } from '../../src/guards/pii/mask.js'
import { ValidatorPiiDetector } from '../../src/guards/pii/validator-detector.js'

const dir = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'guards')
const read = (name: string) =>
  JSON.parse(readFileSync(join(dir, name), 'utf8')) as { name: string; text: string }[]

const jailbreak = new RuleJailbreakDetector()
const jailbreakVectors = []
for (const { name, text } of read('jailbreak-vectors.json')) {
  const v = await jailbreak.detect(text)
  const rules = (v.rules ?? [])
    .slice(0, 4)
    .map((r) => (r.view === 'canonical' ? r.id : `${r.id}@${r.view}`))
  jailbreakVectors.push({
    name,
    text,
    expected: { label: v.label, confidence: Number(v.confidence.toFixed(2)), rules },
  })
}
writeFileSync(join(dir, 'jailbreak-vectors.json'), `${JSON.stringify(jailbreakVectors, null, 2)}\n`)

const pii = new ValidatorPiiDetector()
const piiVectors = []
for (const { name, text } of read('pii-vectors.json')) {
  const entities = await pii.detect(text)
  piiVectors.push({
    name,
    text,
    expected: {
      entities: entities.map(({ type, value, start, end, confidence }) => ({
        type,
        value,
        start,
        end,
        confidence,
      })),
      masked: maskText(text, entities),
    },
  })
}
writeFileSync(join(dir, 'pii-vectors.json'), `${JSON.stringify(piiVectors, null, 2)}\n`)
console.log(`${jailbreakVectors.length} jailbreak and ${piiVectors.length} PII vectors written`)
