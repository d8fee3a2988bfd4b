/**
 * The embedded jailbreak classifier beside the rules (the router's default jailbreak detector) on
 * the jailbreak corpus's test split (training/data/jailbreak, src/eval/guards/jailbreak-corpus.ts),
 * at the default prompt_guard threshold: recall, false-positive rate (recorded as its complement,
 * so higher is better), and the same on the hard negatives. Also the rules' own held-out set.
 */
import { EMBEDDED_MODELS } from '../../ml/embedded.js'
import { loadDefaultJailbreakDetector } from '../guards/embedded-jailbreak.js'
import {
  evaluateJailbreak,
  evaluateJailbreakExamples,
  GUARD_SETS,
  type JailbreakReport,
} from '../guards/evaluate.js'
import { loadJailbreakCorpus } from '../guards/jailbreak-corpus.js'
import type { CardEvaluation } from './types.js'

/** The pipeline's blocking threshold (prompt_guard.threshold default). */
const THRESHOLD = 0.7
const pts = (x: number): number => Math.round(1000 * x) / 10

const byFamily = (r: JailbreakReport): string =>
  Object.entries(r.recallByFamily)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([family, f]) => `${family} ${f.detected}/${f.total}`)
    .join(', ')

export const jailbreakCard: CardEvaluation = {
  name: 'jailbreak',
  dataCards: ['training/guards/jailbreak/DATA_CARD.md', 'models/jailbreak-classifier/README.md'],
  async run() {
    const corpus = loadJailbreakCorpus()
    const detector = await loadDefaultJailbreakDetector(EMBEDDED_MODELS.jailbreak)
    try {
      const test = await evaluateJailbreakExamples(detector, corpus.test, THRESHOLD)
      const held = await evaluateJailbreak(detector, GUARD_SETS.jailbreakTest, THRESHOLD)
      const figures = {
        recall: pts(test.recall),
        not_false_positive: pts(1 - test.falsePositiveRate),
        hard_not_false_positive: pts(1 - test.hardFalsePositiveRate),
        rules_heldout_recall: pts(held.recall),
        rules_heldout_not_false_positive: pts(1 - held.falsePositiveRate),
      }
      const markdown = [
        `Rules + embedded classifier (the router's default) at threshold ${THRESHOLD}, test split of \`training/data/jailbreak\` (${test.attacks} attacks, ${test.benign} benign of which ${test.hardBenign} hard negatives), and the rules' held-out set \`training/data/guards/jailbreak-test.tsv\` (${held.attacks} attacks, ${held.benign} benign):`,
        '',
        '| set | recall | false positives | false positives on hard benign |',
        '| --- | ---: | ---: | ---: |',
        `| corpus test split | ${pts(test.recall)} % | ${pts(test.falsePositiveRate)} % | ${pts(test.hardFalsePositiveRate)} % |`,
        `| rules' held-out set | ${pts(held.recall)} % | ${pts(held.falsePositiveRate)} % | ${pts(held.hardFalsePositiveRate)} % |`,
        '',
        `Recall by family (corpus test split): ${byFamily(test)}.`,
      ].join('\n')
      return { figures, markdown }
    } finally {
      await detector.close?.()
    }
  },
}
