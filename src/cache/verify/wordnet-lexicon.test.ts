import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { EMBEDDED_MODELS } from '../../ml/embedded.js'
import { POS_NOUN, POS_VERB, WordNetLexicon } from './wordnet-lexicon.js'

describe('WordNet lexicon (verifier)', () => {
  it('tells synonyms, opposites, kinds and siblings apart (small lexicon)', () => {
    // Senses: 0 large/big, 1 small, 2 animal, 3 dog, 4 cat, 5 dogs' related sense.
    const lex = WordNetLexicon.parse(
      [
        'w big a 0',
        'w large a 0',
        'w small a 1',
        'w animal n 2',
        'w dog nv 3 5',
        'w cat n 4',
        's 0 - 1 -',
        's 1 - 0 -',
        's 3 2 - -',
        's 4 2 - -',
      ].join('\n'),
    )
    assert.equal(lex.relation('big', 'large'), 'synonym')
    assert.equal(lex.relation('big', 'small'), 'antonym')
    assert.equal(lex.relation('dog', 'animal'), 'hypernym')
    assert.equal(lex.relation('dog', 'cat'), 'sibling')
    assert.equal(lex.relation('dog', 'dog'), 'same')
    assert.equal(lex.relation('dog', 'zebra'), 'unknown')
    assert.equal(lex.pos('dog'), POS_NOUN | POS_VERB)
  })

  it('ships a lexicon that knows everyday relations', () => {
    const lex = WordNetLexicon.load(join(EMBEDDED_MODELS.cacheVerifier, 'wordnet.txt.gz'))
    assert.equal(lex.relation('buy', 'purchase'), 'synonym')
    assert.equal(lex.relation('hot', 'cold'), 'antonym')
    assert.equal(lex.relation('repair', 'fix'), 'synonym')
    assert.notEqual(lex.relation('cat', 'dog'), 'synonym')
    assert.ok(lex.pos('quickly') !== 0)
  })
})
