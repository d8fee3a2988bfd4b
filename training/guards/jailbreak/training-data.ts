/**
 * What the jailbreak classifier's models train on besides the labelled corpus prompts: padded
 * copies, generated contrast pairs and everyday background. Shared by the trainer's models (the
 * window model and the convolution) so both see exactly the same examples.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CorpusExample, JailbreakCorpus } from '../../../src/eval/guards/jailbreak-corpus.js'
import { evaluationTexts } from '../../../src/eval/guards/evaluation-texts.js'
import { fingerprint, NearDuplicateIndex } from '../../../src/eval/guards/near-duplicates.js'
import { generatedPairs } from './templates.js'

/**
 * Deterministic padded copies: every train prompt followed (or preceded) by an unrelated benign
 * prompt, so the model learns that an attack stays an attack next to harmless text and that two
 * harmless texts stay harmless together.
 */
export function paddedCopies(train: readonly CorpusExample[]): CorpusExample[] {
  const benign = train.filter((e) => !e.attack)
  if (benign.length === 0) return []
  return train.map((e, i) => {
    const other = benign[(i * 7919 + 13) % benign.length]!.text
    const text = i % 2 === 0 ? `${e.text} ${other}` : `${other} ${e.text}`
    return { ...e, text }
  })
}

/**
 * Generated contrast pairs (templates.ts), minus any that is a near duplicate of a test prompt or
 * of an evaluation text anywhere in the repository.
 */
export function generatedExamples(corpus: JailbreakCorpus): CorpusExample[] {
  const held = new NearDuplicateIndex()
  for (const e of corpus.test) held.add(fingerprint(e.text))
  for (const t of evaluationTexts()) held.add(fingerprint(t))
  return generatedPairs()
    .filter((g) => held.matches(fingerprint(g.text)).length === 0)
    .map((g, i) => ({ ...g, family: 'generated', file: 'templates.ts', line: i + 1 }))
}

/**
 * Everyday traffic as benign background: every n-th line of the category training data
 * (training/data/category/*.jsonl, written for this project by the category engineers) —
 * questions about chemistry, medicine, law and history that share words with harmful requests.
 * Used for training only; the jailbreak evaluations never score these texts.
 */
export function categoryBackground(every: number): CorpusExample[] {
  const dir = join(import.meta.dirname, '..', '..', 'data', 'category')
  if (every <= 0 || !existsSync(dir)) return []
  const out: CorpusExample[] = []
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()) {
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (line.trim() === '' || i % every !== 0) return
        const text = (JSON.parse(line) as { text: string }).text
        out.push({
          text,
          attack: false,
          family: 'background',
          file: `category/${file}`,
          line: i + 1,
        })
      })
  }
  return out
}
