/**
 * Every registered classifier kind runs the conformance suite (test/classify/conformance.ts); a
 * kind registered without a harness here fails.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { BUILTIN_CLASSIFIERS } from '../../src/classify/registry.js'
import { SEQ_LABELS, tempDir, writeSequenceModel } from '../helpers/tiny-models.js'
import { classifierConformance, type ClassifierHarness } from './conformance.js'

const root = tempDir('sr-classify-conformance-')
writeSequenceModel(join(root, 'category'), { labels: SEQ_LABELS, maxLength: 16 })

const CATEGORIES = `categories:
  - { name: math, model_scores: [{ model: m, score: 1 }] }
  - { name: biology, model_scores: [{ model: m, score: 1 }] }
  - { name: weather, model_scores: [{ model: m, score: 1 }] }
model_config: { m: {} }
default_model: m
`

const HARNESSES: Readonly<Record<string, ClassifierHarness>> = {
  keyword: {
    config: `${CATEGORIES}keyword_rules:
  - { category: math, operator: OR, keywords: [integral, derivative] }
  - { category: biology, operator: AND, keywords: [cell, membrane] }
`,
    known: { text: 'What is the integral of x squared?', category: 'math' },
    abstains: 'Tell me about the cell phone market',
  },
  embedding: {
    // The known text is one of the rule's phrases, so it matches whatever the embedder is.
    config: `${CATEGORIES}embedding_rules:
  - category: weather
    threshold: 0.95
    keywords: [weather forecast for tomorrow, will it rain this weekend]
    aggregation_method: max
`,
    known: { text: 'weather forecast for tomorrow', category: 'weather' },
    abstains: 'Explain how to compile a Rust program with cargo',
  },
  model: {
    config: `${CATEGORIES}classifier:
  category_model: { model_id: category, threshold: 0.5 }
`,
    baseDir: root,
    known: { text: 'what is the derivative', category: 'math' },
  },
}

describe('classifier registry', () => {
  it('has a conformance harness for every registered kind', () => {
    assert.deepEqual(BUILTIN_CLASSIFIERS.kinds().sort(), Object.keys(HARNESSES).sort())
  })
})

for (const plugin of BUILTIN_CLASSIFIERS.all()) {
  const harness = HARNESSES[plugin.kind]
  if (harness) classifierConformance(plugin, harness)
}
