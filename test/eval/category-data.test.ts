/**
 * The category corpus loader on a small corpus written here: a text that the earlier hand-written
 * set (category-train.tsv, train only) already has keeps that copy when a jsonl file repeats it, so
 * adding a line can never move a training text into dev or test; category-voices/ is read after
 * category/, so a text both hold keeps its category/ copy.
 */
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { loadCorpus } from '../../src/eval/category-data.js'
import { splitOf } from '../../src/eval/splits.js'

/** A text the hash puts outside train, so a jsonl copy of it would leave the training split. */
function textOutsideTrain(): string {
  for (let i = 0; ; i++) {
    const text = `Can my landlord keep deposit number ${i} for repainting the flat?`
    if (splitOf(text) !== 'train') return text
  }
}

describe('category corpus loader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sr-category-data-'))
  after(() => rmSync(dir, { recursive: true, force: true }))
  const shared = textOutsideTrain()
  mkdirSync(join(dir, 'category'))
  const jsonl = [shared, 'Is a handshake deal enforceable in small claims court?']
  writeFileSync(
    join(dir, 'category', 'law.everyday.jsonl'),
    jsonl.map((text) => JSON.stringify({ text, topic: 'tenancy' })).join('\n') + '\n',
  )
  writeFileSync(join(dir, 'category-train.tsv'), `law\t${shared}\n`)
  const voiced = 'My landlord kept the whole deposit for one scuffed door. Can he?'
  mkdirSync(join(dir, 'category-voices'))
  writeFileSync(
    join(dir, 'category-voices', 'law.everyday.jsonl'),
    [voiced, jsonl[1]!].map((text) => JSON.stringify({ text, topic: 'tenancy' })).join('\n') + '\n',
  )
  writeFileSync(join(dir, 'category-heldout.tsv'), 'law\tx\tWhat is a tort?\n')

  it('keeps the train-only copy of a text the earlier set already has', () => {
    const corpus = loadCorpus(dir)
    const copies = corpus.rows.filter((r) => r.text === shared)
    assert.deepEqual(
      copies.map((r) => ({ kind: r.kind, split: r.split })),
      [{ kind: 'legacy', split: 'train' }],
    )
    assert.equal(corpus.dropped.repeated, 2)
    assert.equal(corpus.rows.length, 3)
  })

  it('reads category-voices/ after category/: a new text joins its hash split, a repeat keeps the old copy', () => {
    const corpus = loadCorpus(dir)
    const voiced = corpus.rows.filter((r) => r.source.startsWith('category-voices/'))
    assert.deepEqual(
      voiced.map((r) => ({ source: r.source, kind: r.kind, split: r.split })),
      [
        {
          source: 'category-voices/law.everyday.jsonl:1',
          kind: 'everyday',
          split: splitOf(voiced[0]!.text),
        },
      ],
    )
    const repeated = corpus.rows.filter((r) => r.text === jsonl[1])
    assert.deepEqual(
      repeated.map((r) => r.source),
      ['law.everyday.jsonl:2'],
    )
  })
})
