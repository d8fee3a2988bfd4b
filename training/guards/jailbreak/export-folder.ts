/**
 * Writes the trained jailbreak classifier (train.ts) as a Hugging Face model folder that the router
 * loads like any user's prompt-guard model, labels `benign` / `jailbreak` (upstream's), and checks
 * that the exported graph computes exactly what was trained.
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RuleCombination } from '../../../src/guards/jailbreak/rule-combination.js'
import { readModelFolder } from '../../../src/ml/folder.js'
import { LoadedModel, toClassification } from '../../../src/ml/model.js'
import { SPECIAL_TOKENS, writeHfFolder } from '../../lib/hf-folder.js'
import type { ConvSpec } from './conv-model.js'
import { MAX_LENGTH } from './encoding.js'
import type { Fitted } from './fit.js'
import { windowGraph } from './graph.js'
import type { MlpSpec } from './window-mlp.js'
import { sigmoid } from './window-model.js'

export const LABELS = ['benign', 'jailbreak'] as const

export interface ModelFolder {
  readonly out: string
  /** The final models, already rescaled to the stacking weights and the operating point. */
  readonly final: Fitted
  readonly spec: MlpSpec
  readonly convSpec: ConvSpec
  readonly combination: RuleCombination
  /** The folder declares `sentence_views`: the router scores each sentence too. */
  readonly useSentences: boolean
  /** The word-vector model's folder: its tokenizer ships unchanged. */
  readonly vectorsDir: string
}

/** Replaces `out` with the model folder: graph, config, label mapping, data card, tokenizer. */
export function writeModelFolder(f: ModelFolder): void {
  const { out, final, spec, convSpec, combination } = f
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  writeHfFolder({
    dir: out,
    modelType: 'bert',
    labels: LABELS,
    // The word-vector model's tokenizer.json replaces the one written here (below).
    vocab: [...SPECIAL_TOKENS],
    maxLength: MAX_LENGTH,
    onnx: windowGraph(final.model, final.table, final.conv),
    extraConfig: {
      architectures: ['BertForSequenceClassification'],
      problem_type: 'single_label_classification',
      _semantic_router: {
        description:
          'Embedded jailbreak / harmful-request classifier: best window of token and token-pair weights plus an MLP over projected word vectors (multiple-instance training)',
        training: 'training/guards/jailbreak/train.ts',
        window_tokens: spec.windows,
        bigram_buckets: spec.buckets,
        projected_dims: spec.projected,
        wordnet_concepts: spec.concepts,
        hidden_units: spec.hidden,
        rules_combination: {
          rule_weight: +combination.ruleWeight.toFixed(6),
          rules_alone_at: combination.rulesAloneAt,
        },
        ...(f.useSentences ? { sentence_views: true } : {}),
        ...(final.conv
          ? {
              convolution: {
                projected_dims: convSpec.projected,
                flags: convSpec.concepts,
                filters: convSpec.filters,
                width: convSpec.width,
              },
            }
          : {}),
        word_vectors: 'models/word-vectors (tokenizer and vectors)',
      },
    },
  })
  const mapping = {
    label_to_idx: Object.fromEntries(LABELS.map((l, i) => [l, i])),
    idx_to_label: Object.fromEntries(LABELS.map((l, i) => [String(i), l])),
  }
  writeFileSync(join(out, 'jailbreak_type_mapping.json'), `${JSON.stringify(mapping, null, 2)}\n`)
  copyFileSync(join(import.meta.dirname, 'DATA_CARD.md'), join(out, 'README.md'))
  // The word-vector model's own tokenizer, unchanged.
  copyFileSync(join(f.vectorsDir, 'tokenizer.json'), join(out, 'tokenizer.json'))
  copyFileSync(join(f.vectorsDir, 'tokenizer_config.json'), join(out, 'tokenizer_config.json'))
}

/**
 * The exported graph must compute exactly what was trained: the folder, loaded as the router loads
 * it, against the reference logit `score` on each text (the dev split); throws on a difference.
 */
export async function checkExportedGraph(
  out: string,
  texts: readonly string[],
  ids: readonly (readonly number[])[],
  score: (ids: readonly number[]) => number,
): Promise<void> {
  const onnxModel = await LoadedModel.load({
    folder: readModelFolder(out),
    task: 'sequence-classification',
    labels: [...LABELS],
    longInput: 'chunk',
    aggregate: 'max-risk',
    benignLabel: 'benign',
  })
  try {
    const results = await onnxModel.run([...texts])
    results.forEach((r, i) => {
      const fromGraph = toClassification(LABELS, r).probabilities[1]!
      const reference = sigmoid(score(ids[i]!))
      if (Math.abs(fromGraph - reference) > 1e-4)
        throw new Error(`graph and reference disagree on dev ${i}: ${fromGraph} vs ${reference}`)
    })
  } finally {
    await onnxModel.close()
  }
}
