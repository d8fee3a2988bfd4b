/**
 * The jailbreak trainer's command-line flags (train.ts), their defaults and their validation, and
 * the model settings they give. Every flag is a string parsed here, so the rest of the trainer
 * works on numbers and specs.
 */
import { join } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { CONCEPTS } from './concepts.js'
import type { ConvSpec } from './conv-model.js'
import { INTENT_GROUPS } from './intent.js'
import type { MlpSpec } from './window-mlp.js'

const FLAGS = {
  report: { type: 'boolean', default: false },
  // Writes the out-of-fold scores (window, convolution, rules) per train + dev prompt as JSON;
  // --oof-in reads them back instead of training the folds again (same data, same settings).
  'oof-out': { type: 'string' },
  'oof-in': { type: 'string' },
  'no-padding': { type: 'boolean', default: false },
  'w-generated': { type: 'string', default: '0.3' },
  background: { type: 'string', default: '3' },
  'w-background': { type: 'string', default: '0.5' },
  windows: { type: 'string', default: '8,16,32' },
  buckets: { type: 'string', default: '65536' },
  epochs: { type: 'string', default: '10' },
  lr: { type: 'string', default: '0.2' },
  l2: { type: 'string', default: '0.001' },
  // 1.8 %, not 3 %: the out-of-fold FPR under-estimated the final model's test FPR by 0.85-1.4
  // points in every earlier candidate (ml-jb3; mean 1.2), so 3 % - 1.2 keeps the expected 3 %.
  'max-fpr': { type: 'string', default: '0.018' },
  // Score the whole text only (the folder then declares no sentence views).
  'no-sentence-views': { type: 'boolean', default: false },
  threshold: { type: 'string', default: '0.7' },
  vectors: {
    type: 'string',
    default: join(import.meta.dirname, '..', '..', '..', 'models', 'word-vectors'),
  },
  'vector-rate': { type: 'string', default: '0.05' },
  'l2-vectors': { type: 'string', default: '0.0001' },
  projected: { type: 'string', default: '16' },
  hidden: { type: 'string', default: '32' },
  // The word-order model (conv-model.ts); --conv-filters 0 trains the window model alone.
  folds: { type: 'string', default: '5' },
  'rules-alone': { type: 'string', default: '0.9' },
  'conv-filters': { type: 'string', default: '48' },
  'conv-width': { type: 'string', default: '3' },
  'conv-projected': { type: 'string', default: '16' },
  'conv-epochs': { type: 'string', default: '10' },
  'conv-rate': { type: 'string', default: '0.003' },
  'conv-l2': { type: 'string', default: '0.0001' },
  // Self-attention before the convolution (attention.ts): query/key size; 0 = none.
  'conv-attention': { type: 'string', default: '0' },
  // Ranking loss on the twins of a minimal pair (pairs/*.tsv) in the convolution's training:
  // weight·softplus(margin − (s_harmful − s_benign)); weight 0 = twins are ordinary examples.
  'pair-weight': { type: 'string', default: '0' },
  'pair-margin': { type: 'string', default: '1' },
  // The window model also trains on the twins (off: ml-jb5 measured that the twins as ordinary
  // examples make its topic words uninformative, OOF recall 59.1 -> 48.2 %).
  'window-pairs': { type: 'boolean', default: false },
  // Keep the convolution's output weights >= 0, so appended words cannot lower its score. Off:
  // tried by ml-jb3 on its larger corpus (CV AUC 0.9535 -> 0.947; test FPR 2.8 -> 4.6 %).
  'conv-monotone': { type: 'boolean', default: false },
  // How the window, convolution and rules scores are stacked: 'logloss' (one logistic fit over
  // all items) or 'operating' (direction chosen for recall at out-of-fold FPR 1.0-2.6 %,
  // stacking.ts operatingStack). Not the default: nested CV at the 1.8 % bound gained 3.6 points
  // on the seed-1 out-of-fold scores and lost 0.9 on seed 2's (docs/classifiers.md).
  stack: { type: 'string', default: 'logloss' },
  // Seed of the window model's and the convolution's initial weights and shuffles (the folds are
  // keyed by text hash, not by this); 1 rebuilds the shipped model. Another seed measures how
  // much a result depends on the training's randomness.
  seed: { type: 'string', default: '1' },
  out: {
    type: 'string',
    default: join(import.meta.dirname, '..', '..', '..', 'models', 'jailbreak-classifier'),
  },
} satisfies ParseArgsConfig['options']

/** How the window, convolution and rules scores are stacked (--stack; stacked-scores.ts). */
export type Stack = 'logloss' | 'operating'
const isStack = (s: string): s is Stack => s === 'logloss' || s === 'operating'

/** The parsed flags (process.argv), checked for combinations the trainer cannot run. */
export function parseTrainArgs() {
  const { values: args } = parseArgs({ options: FLAGS })
  const stack = args.stack
  if (!isStack(stack)) throw new Error(`--stack ${stack}: expected logloss or operating`)
  if (stack === 'operating' && Number(args['conv-filters']) === 0)
    throw new Error(
      '--stack operating stacks the window model and the convolution: needs --conv-filters > 0',
    )
  return { ...args, stack }
}

export type TrainArgs = ReturnType<typeof parseTrainArgs>

/** The window model's and the convolution's shapes and training options, from the flags. */
export function modelSettings(args: TrainArgs, vocabSize: number) {
  const spec: MlpSpec = {
    vocabSize,
    buckets: Number(args.buckets),
    windows: args.windows.split(',').map(Number),
    projected: Number(args.projected),
    concepts: CONCEPTS.length,
    hidden: Number(args.hidden),
  }
  const options = {
    epochs: Number(args.epochs),
    learningRate: Number(args.lr),
    l2: Number(args.l2),
    seed: Number(args.seed),
    vectorRate: Number(args['vector-rate']),
    l2Vectors: Number(args['l2-vectors']),
  }
  const convSpec: ConvSpec = {
    projected: Number(args['conv-projected']),
    concepts: CONCEPTS.length + INTENT_GROUPS.length,
    filters: Number(args['conv-filters']),
    width: Number(args['conv-width']),
    attention: Number(args['conv-attention']),
  }
  const convOptions = {
    epochs: Number(args['conv-epochs']),
    rate: Number(args['conv-rate']),
    l2: Number(args['conv-l2']),
    batch: 16,
    seed: Number(args.seed),
    maxTokens: 256,
    monotone: args['conv-monotone'],
    ...(Number(args['pair-weight']) > 0
      ? { pairLoss: { weight: Number(args['pair-weight']), margin: Number(args['pair-margin']) } }
      : {}),
  }
  return { spec, options, convSpec, convOptions }
}

export type ModelSettings = ReturnType<typeof modelSettings>
