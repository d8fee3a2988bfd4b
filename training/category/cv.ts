/**
 * Cross-validates the category classifier with the trainer's own fit and flags
 * (cross-validation.ts): prints the fold table (accepted and right, top-1, per group) and writes
 * it as JSON. The figures that decided each category change since the ninth session come from
 * this command (docs/classifiers.md).
 *
 *   npm run cv:category                                     # 5 folds, the shipped settings
 *   npm run cv:category -- --folds 5 --fold-seed 0 --out /tmp/cv.json
 *   npm run cv:category -- --only 0,1 --w-question 0        # two folds, a trainer flag changed
 *
 * Every flag of training/category/train.ts that sets the fit (epochs, weights, pairs, question
 * view, seed) is accepted here too. CPU-heavy (one full training per fold): run it with nice.
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { loadCorpus } from '../../src/eval/category-data.js'
import { loadWordVectors } from '../lib/word-vectors.js'
import { crossValidate, foldTable } from './cross-validation.js'
import { FIT_OPTIONS } from './fit.js'

const { values: args } = parseArgs({
  options: {
    folds: { type: 'string', default: '5' },
    'fold-seed': { type: 'string', default: '0' },
    only: { type: 'string' },
    subset: { type: 'string', default: '1' },
    out: { type: 'string' },
    ...FIT_OPTIONS,
  },
})

const started = performance.now()
const result = await crossValidate(loadWordVectors(), loadCorpus().rows, args, {
  folds: Number(args.folds),
  foldSeed: Number(args['fold-seed']),
  ...(args.only !== undefined && { only: args.only.split(',').map(Number) }),
  subset: Number(args.subset),
})
console.log(foldTable(result))
console.log(`${((performance.now() - started) / 1000).toFixed(0)} s`)
if (args.out) writeFileSync(args.out, `${JSON.stringify(result, null, 1)}\n`)
