/** The ONNX graph of the embedded category classifier (see training/lib/linear.ts for the math). */
import { GraphBuilder, bigramBuckets, maskColumn, maskedSum } from '../lib/onnx-graph.js'
import type { LinearModel } from '../lib/linear.js'

export function categoryGraph(model: LinearModel): Uint8Array {
  const L = model.labels
  const g = new GraphBuilder()
  g.constant('unigram', [model.vocabSize, L], model.unigram)
  g.constant('bias', [L], model.bias)
  const pool = (count: string): string => {
    const atLeastOne = g.op('Max', [count, g.float([1], [])])
    return model.pooling === 'mean' ? atLeastOne : g.op('Sqrt', [atLeastOne])
  }
  const mask = maskColumn(g)
  const uni = maskedSum(g, g.op('Gather', ['unigram', 'input_ids'], { axis: 0 }), mask)
  const n = g.op('ReduceSum', [mask, g.int64([1])], { keepdims: 0 })
  let logits = g.op('Add', [g.op('Div', [uni, pool(n)]), 'bias'])
  if (model.buckets > 0) {
    g.constant('bigram', [model.buckets, L], model.bigram)
    const pairs = bigramBuckets(g, model.vocabSize, model.buckets)
    const bi = maskedSum(g, g.op('Gather', ['bigram', pairs.ids], { axis: 0 }), pairs.mask)
    const m = g.op('ReduceSum', [pairs.mask, g.int64([1])], { keepdims: 0 })
    logits = g.op('Add', [logits, g.op('Div', [bi, pool(m)])])
  }
  g.op('Identity', [logits], {}, 'logits')
  return g.encode([{ name: 'logits', dims: ['batch', L] }])
}
