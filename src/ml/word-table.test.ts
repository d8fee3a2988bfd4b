import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EMBEDDED_MODELS } from './embedded.js'
import { GraphBuilder } from '../../training/lib/onnx-graph.js'
import { loadWordTable, readInitializers } from './word-table.js'

describe('word table (verifier word vectors)', () => {
  it('reads named initializers from an ONNX model without generated bindings', () => {
    const g = new GraphBuilder()
    g.constant('wv_codes', [2, 3], Int8Array.from([1, -2, 3, 0, 5, -6]))
    g.constant('other', [1], Float32Array.from([4]))
    g.op('Identity', ['input_ids'], {}, 'out')
    const found = readInitializers(g.encode([{ name: 'out', dims: ['batch', 'sequence'] }]), [
      'wv_codes',
    ])
    assert.deepEqual([...found.keys()], ['wv_codes'])
    assert.deepEqual(found.get('wv_codes')!.dims, [2, 3])
    assert.deepEqual([...new Int8Array(found.get('wv_codes')!.raw)], [1, -2, 3, 0, 5, -6])
  })

  it('loads the shipped word vectors: known words, none for special tokens', () => {
    const table = loadWordTable(EMBEDDED_MODELS.wordVectors)
    assert.equal(table.dim, 100)
    const [cat, dog, tax] = ['cat', 'dog', 'taxation'].map((w) => table.row(w))
    assert.ok(cat! > 1 && dog! > 1 && tax! > 1)
    assert.equal(table.row('[PAD]'), -1)
    assert.equal(table.row('qqqxzzyv'), -1)
    assert.equal(table.cosine(cat!, cat!), 1)
    assert.ok(table.cosine(cat!, dog!) > table.cosine(cat!, tax!) + 0.3)
  })
})
