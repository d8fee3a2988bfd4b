/**
 * The guards evaluation report: held-out and development numbers for the embedded jailbreak rules
 * and PII validators, plus evasion robustness. Produced by `semantic-router eval guards`.
 */
import { RuleJailbreakDetector } from '../../guards/jailbreak/rule-detector.js'
import { ValidatorPiiDetector } from '../../guards/pii/validator-detector.js'
import type { JailbreakDetector } from '../../guards/types.js'
import {
  evaluateJailbreak,
  evaluateJailbreakExamples,
  evaluatePii,
  evaluatePiiSet,
  GUARD_SETS,
  type JailbreakReport,
  type PiiReport,
} from './evaluate.js'
import { loadDefaultJailbreakDetector, loadJailbreakModelDetector } from './embedded-jailbreak.js'
import { loadJailbreakCorpus } from './jailbreak-corpus.js'
import { loadJailbreakSet } from './jailbreak-data.js'
import { loadPiiCorpus } from './pii-data.js'
import { evaluateRobustness, type RobustnessRow } from './robustness.js'

export interface GuardsReport {
  readonly jailbreakThreshold: number
  readonly piiThreshold: number
  readonly jailbreak: { readonly test: JailbreakReport; readonly dev: JailbreakReport }
  readonly robustness: readonly RobustnessRow[]
  /**
   * The jailbreak corpus (training/data/jailbreak) by detector: the rules alone, the embedded
   * classifier alone, and both combined as the router runs them (the default).
   */
  readonly jailbreakCorpus: Record<
    'rules' | 'model' | 'combined',
    { readonly dev: JailbreakReport; readonly test: JailbreakReport }
  >
  /** The rules' held-out set scored by the combined detector. */
  readonly combinedHeldOut: JailbreakReport
  /** Evasions applied to the corpus test split, combined detector. */
  readonly combinedRobustness: readonly RobustnessRow[]
  readonly pii: { readonly test: PiiReport; readonly dev: PiiReport }
  /** The PII corpus (all 16 types), by split. */
  readonly piiCorpus: {
    readonly train: PiiReport
    readonly dev: PiiReport
    readonly test: PiiReport
  }
}

export async function buildGuardsReport(
  jailbreakThreshold = 0.7,
  piiThreshold = 0.7,
): Promise<GuardsReport> {
  const rules = new RuleJailbreakDetector()
  const pii = new ValidatorPiiDetector()
  const model = await loadJailbreakModelDetector()
  const combined = await loadDefaultJailbreakDetector()
  const corpus = loadJailbreakCorpus()
  const onCorpus = async (d: JailbreakDetector) => ({
    dev: await evaluateJailbreakExamples(d, corpus.dev, jailbreakThreshold),
    test: await evaluateJailbreakExamples(d, corpus.test, jailbreakThreshold),
  })
  try {
    return {
      ...(await rulesAndPii()),
      jailbreakCorpus: {
        rules: await onCorpus(rules),
        model: await onCorpus(model),
        combined: await onCorpus(combined),
      },
      combinedHeldOut: await evaluateJailbreak(
        combined,
        GUARD_SETS.jailbreakTest,
        jailbreakThreshold,
      ),
      combinedRobustness: await evaluateRobustness(combined, corpus.test, jailbreakThreshold),
    }
  } finally {
    await model.close?.()
    await combined.close?.()
  }

  async function rulesAndPii() {
    return {
      jailbreakThreshold,
      piiThreshold,
      jailbreak: {
        test: await evaluateJailbreak(rules, GUARD_SETS.jailbreakTest, jailbreakThreshold),
        dev: await evaluateJailbreak(rules, GUARD_SETS.jailbreakTrain, jailbreakThreshold),
      },
      robustness: await evaluateRobustness(
        rules,
        loadJailbreakSet(GUARD_SETS.jailbreakTest),
        jailbreakThreshold,
      ),
      pii: {
        test: await evaluatePii(pii, GUARD_SETS.piiTest, piiThreshold),
        dev: await evaluatePii(pii, GUARD_SETS.piiDev, piiThreshold),
      },
      piiCorpus: {
        train: await evaluatePiiSet(
          pii,
          loadPiiCorpus(GUARD_SETS.piiCorpus, 'train'),
          piiThreshold,
        ),
        dev: await evaluatePiiSet(pii, loadPiiCorpus(GUARD_SETS.piiCorpus, 'dev'), piiThreshold),
        test: await evaluatePiiSet(pii, loadPiiCorpus(GUARD_SETS.piiCorpus, 'test'), piiThreshold),
      },
    }
  }
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`
const f3 = (x: number): string => x.toFixed(3)

export function formatGuardsReport(r: GuardsReport): string {
  const lines: string[] = []
  const jb = (name: string, j: JailbreakReport): void => {
    lines.push(
      `  ${name.padEnd(13)} attacks ${j.attacks}, benign ${j.benign} (hard ${j.hardBenign}): ` +
        `recall ${pct(j.recall)}, FPR ${pct(j.falsePositiveRate)}, FPR on hard benign ${pct(j.hardFalsePositiveRate)}`,
    )
  }
  lines.push(`Jailbreak (embedded rules, threshold ${r.jailbreakThreshold})`)
  jb('held-out', r.jailbreak.test)
  jb('dev', r.jailbreak.dev)
  lines.push('  held-out recall by family:')
  for (const [family, c] of Object.entries(r.jailbreak.test.recallByFamily).sort())
    lines.push(`    ${family.padEnd(22)} ${c.detected}/${c.total}`)
  const errors = r.jailbreak.test.errors
  if (errors.length > 0)
    lines.push(
      `  held-out errors (line:p): ${errors.map((e) => `${e.kind === 'missed' ? 'missed' : 'FP'} ${e.line}:${e.p}`).join(', ')}`,
    )
  lines.push('  evasion robustness on the held-out attacks (each evasion applied to every attack):')
  for (const row of r.robustness)
    lines.push(
      `    ${row.evasion.padEnd(22)} recall ${pct(row.recall)}, FPR ${pct(row.falsePositiveRate)}`,
    )
  lines.push('', `Jailbreak corpus (training/data/jailbreak; threshold ${r.jailbreakThreshold})`)
  for (const who of ['rules', 'model', 'combined'] as const) {
    jb(`${who} test`, r.jailbreakCorpus[who].test)
    jb(`${who} dev`, r.jailbreakCorpus[who].dev)
  }
  lines.push('  combined test recall by family:')
  for (const [family, c] of Object.entries(r.jailbreakCorpus.combined.test.recallByFamily).sort())
    lines.push(`    ${family.padEnd(26)} ${c.detected}/${c.total}`)
  jb('combined on the rules held-out set', r.combinedHeldOut)
  lines.push('  evasion robustness on the corpus test split (combined):')
  for (const row of r.combinedRobustness)
    lines.push(
      `    ${row.evasion.padEnd(22)} recall ${pct(row.recall)}, FPR ${pct(row.falsePositiveRate)}`,
    )
  const pii = (name: string, p: PiiReport): void => {
    lines.push(
      `  ${name}: ${p.texts} texts; micro P ${f3(p.micro.precision)} R ${f3(p.micro.recall)} F1 ${f3(p.micro.f1)} ` +
        `(exact boundaries: F1 ${f3(p.strictMicro.f1)})`,
    )
  }
  lines.push(
    '',
    `PII (embedded validators, threshold ${r.piiThreshold}; match = same type, IoU ≥ 0.5)`,
  )
  pii('held-out', r.pii.test)
  pii('dev', r.pii.dev)
  const perType = (title: string, p: PiiReport): void => {
    lines.push(`  ${title.padEnd(26)} P      R      F1    tp  fp  fn`)
    for (const [type, s] of Object.entries(p.perType))
      lines.push(
        `    ${type.padEnd(22)} ${f3(s.precision)}  ${f3(s.recall)}  ${f3(s.f1)}  ${String(s.tp).padStart(3)} ${String(s.fp).padStart(3)} ${String(s.fn).padStart(3)}`,
      )
  }
  perType('held-out per type:', r.pii.test)
  for (const e of r.pii.test.errors)
    lines.push(`    ${e.kind.toUpperCase()} line ${e.line} ${e.type} ${JSON.stringify(e.value)}`)
  lines.push('', 'PII corpus (training/data/pii, all 16 types; split by text hash)')
  pii('corpus test', r.piiCorpus.test)
  pii('corpus dev', r.piiCorpus.dev)
  pii('corpus train', r.piiCorpus.train)
  perType('corpus test per type:', r.piiCorpus.test)
  return lines.join('\n')
}
