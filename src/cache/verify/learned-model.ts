/**
 * The learned paraphrase verifier (models/cache-verifier, trained by
 * training/cache-verifier/train.ts): gradient-boosted trees over the pair features of
 * pair-features.ts, plus the hand-written checks that are precise enough to decide alone (a number
 * swapped for another, "not" on one side, operator symbols, a flipped opposite, a reversed order, a
 * name swapped for another) as vetoes. Reads the word vectors of models/word-vectors and its own
 * WordNet lexicon; everything runs synchronously in microseconds.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { invalid } from '../../ml/folder.js'
import { analyse, type Analysis } from './analysis.js'
import { forestScore, type Forest } from './forest.js'
import {
  centredMeaning,
  pairNetInputs,
  preparePairNet,
  verifierLogit,
  type PairNet,
  type PairNetFile,
} from './pair-net.js'
import {
  FEATURES,
  agreeingValue,
  pairFeatures,
  type FeatureContext,
  type FeatureGroup,
} from './pair-features.js'
import {
  compoundNumbersDiffer,
  questionWordSwapped,
  switchFlipped,
  unitsDiffer,
  type CheckSwitches,
} from './rules.js'
import { sharedWordTable, type WordTable } from '../../ml/word-table.js'
import { WordNetLexicon } from './wordnet-lexicon.js'

export const VERIFIER_FORMAT = 'semantic-router/cache-verifier@1'

const loaded = new Map<string, LearnedVerifierModel>()

/**
 * The verifier in `dir`, loaded once per process (about 15 MB of word vectors and lexicon, read in
 * a few hundred milliseconds) and shared by every cache and reload.
 */
export function sharedVerifierModel(dir: string): LearnedVerifierModel {
  let model = loaded.get(dir)
  if (model === undefined) loaded.set(dir, (model = LearnedVerifierModel.load(dir)))
  return model
}

export interface VerifierFile {
  readonly format: string
  readonly features: readonly string[]
  /** Features that reject on their own when non-zero. */
  readonly vetoes: readonly string[]
  readonly forest: Forest
  /** A small network over the features and the two questions' vectors, averaged with the trees. */
  readonly pair_net?: PairNetFile
  /** Probability (same request) at or above which a pair is accepted. */
  readonly threshold: number
  /** Similarity threshold the verifier was tuned with, for the embedded sentence embedding. */
  readonly similarity_threshold: number
  /** Folder of the word-vector model, relative to this folder. */
  readonly word_vectors: string
  /** WordNet lexicon file in this folder. */
  readonly wordnet: string
  /** Centre and first principal component of the training questions' mean word vectors. */
  readonly meaning_background: { readonly centre: number[]; readonly component: number[] }
  readonly training?: unknown
}

export interface Judgement {
  /** Probability that the two texts ask the same thing. */
  readonly probability: number
  /** The group that decided a rejection (a veto, or the features that lowered the score most). */
  readonly group?: FeatureGroup
  readonly detail?: string
}

export class LearnedVerifierModel {
  private readonly vetoIndex: readonly number[]

  private constructor(
    readonly dir: string,
    readonly file: VerifierFile,
    private readonly ctx: FeatureContext,
    private readonly net: PairNet | undefined,
  ) {
    this.vetoIndex = file.vetoes.map((v) => FEATURES.findIndex(([name]) => name === v))
  }

  /** The process's shared word-vector table (the sentence embedding is fed from the same one). */
  get wordTable(): WordTable {
    return this.ctx.table
  }

  /** Default acceptance threshold (a probability). */
  get threshold(): number {
    return this.file.threshold
  }

  static load(dir: string): LearnedVerifierModel {
    const path = join(dir, 'verifier.json')
    let file: VerifierFile
    try {
      file = JSON.parse(readFileSync(path, 'utf8')) as VerifierFile
    } catch (err) {
      throw invalid(path, `cannot be read (${String(err)})`, err)
    }
    if (file.format !== VERIFIER_FORMAT)
      throw invalid(path, `has format ${String(file.format)}, expected ${VERIFIER_FORMAT}`)
    const names = FEATURES.map(([name]) => name)
    if (file.features.join() !== names.join())
      throw invalid(path, 'was trained on other features than this router computes; retrain it')
    if (file.vetoes.some((v) => !names.includes(v)))
      throw invalid(path, 'names a veto that is not a feature')
    const table = sharedWordTable(resolve(dir, file.word_vectors))
    let net: PairNet | undefined
    if (file.pair_net !== undefined) {
      try {
        net = preparePairNet(file.pair_net)
      } catch (err) {
        throw invalid(path, (err as Error).message, err)
      }
      if (net.inputs !== pairNetInputs(names.length, table.dim))
        throw invalid(path, 'pair_net was trained on other inputs than this router computes')
    }
    const ctx: FeatureContext = {
      table,
      wordnet: WordNetLexicon.load(join(dir, file.wordnet)),
      background: {
        centre: Float32Array.from(file.meaning_background.centre),
        component: Float32Array.from(file.meaning_background.component),
      },
    }
    return new LearnedVerifierModel(dir, file, ctx, net)
  }

  analyse(text: string): Analysis {
    return analyse(text, this.ctx.table)
  }

  /** `minimum`: the acceptance threshold; only a judgement below it names the main cause. */
  judge(
    query: Analysis,
    cached: Analysis,
    switches: CheckSwitches,
    minimum = this.threshold,
  ): Judgement {
    const x = pairFeatures(query, cached, this.ctx, switches)
    for (const i of this.vetoIndex) {
      if (x[i]! > 0) return { probability: 0, group: FEATURES[i]![1], detail: FEATURES[i]![0] }
    }
    const precise = preciseChecks(query, cached, switches)
    if (precise !== undefined) return precise
    const background = this.ctx.background
    const probability = sigmoid(
      verifierLogit(
        this.file.forest,
        this.net,
        x,
        () => centredMeaning(query.meaning, background),
        () => centredMeaning(cached.meaning, background),
      ),
    )
    // The cause costs six more passes over the trees: only a rejection needs it.
    return probability >= minimum ? { probability } : { probability, group: this.mainCause(x) }
  }

  /** The feature group whose values, set to agreeing ones, would raise the trees' score the most. */
  private mainCause(x: Float64Array): FeatureGroup {
    const logit = forestScore(this.file.forest, x)
    let best: FeatureGroup = 'content_words'
    let gain = 0
    for (const group of GROUPS) {
      const neutral = Float64Array.from(x, (v, i) =>
        FEATURES[i]![1] === group ? agreeingValue(FEATURES[i]![0]) : v,
      )
      const d = forestScore(this.file.forest, neutral) - logit
      if (d > gain) [best, gain] = [group, d]
    }
    return best
  }
}

const GROUPS: readonly FeatureGroup[] = [
  'numbers',
  'negation',
  'entities',
  'operators',
  'order',
  'content_words',
]

/**
 * Checks precise enough to reject after the vetoes and before the trees, which accepted such pairs at 0.64–0.92 (the
 * corpus has few of them): a quantity asked in another unit of the same kind ("minutes" /
 * "seconds in a day", "150 pounds" / "150 kilograms"; the `numbers` check), another question word
 * and nothing else changed ("How did…" / "When did Lincoln die?"; `content_words`), a switch
 * flipped ("turn on" / "turn off"; `operators`). Training applies them the same way
 * (training/cache-verifier/train.ts).
 */
export function preciseChecks(
  query: Analysis,
  cached: Analysis,
  switches: CheckSwitches,
): Judgement | undefined {
  const a = query.fingerprint
  const b = cached.fingerprint
  let detail: string | undefined
  if (switches.numbers && (detail = unitsDiffer(a, b) ?? compoundNumbersDiffer(a, b)))
    return { probability: 0, group: 'numbers', detail }
  if (switches.content_words && (detail = questionWordSwapped(a, b)))
    return { probability: 0, group: 'content_words', detail }
  if (switches.operators && (detail = switchFlipped(a, b)))
    return { probability: 0, group: 'operators', detail }
  return undefined
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z))
}
