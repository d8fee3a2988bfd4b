/**
 * The embedded jailbreak detector: weighted rules over normalised views of the text.
 *
 * Score = 1 − Π(1 − weightᵢ) over the distinct rules that fired in a window (noisy-OR), and the
 * text's score is the highest window score. Both steps are monotone: adding words to a prompt can
 * only add cues, never remove one, so the "append benign words" evasion that flipped upstream's
 * model cannot lower this score. The verdict's label is `jailbreak` when the score is ≥ 0.5 (the
 * decision boundary of a two-class model), and `confidence` is the probability of that label —
 * the pipeline then blocks when label is `jailbreak` and confidence ≥ the configured threshold,
 * exactly upstream's rule for its ModernBERT classifier.
 */
import type { JailbreakDetector, JailbreakVerdict } from '../types.js'
import { splitWindows } from '../windows.js'
import { buildViews } from './normalize.js'
import { prefilterFor } from './prefilter.js'
import { JAILBREAK_RULES, type JailbreakRule } from './rules/index.js'

/** Rules that need two cues look for them within one window of this many characters. */
const WINDOW = { size: 2000, overlap: 400 }

export interface RuleHit {
  readonly rule: JailbreakRule
  /** View the rule matched on first (`canonical`, `deobfuscated`, `decoded`, ...). */
  readonly view: string
}

export interface RuleScore {
  readonly score: number
  readonly hits: readonly RuleHit[]
}

export interface ScoreOptions {
  /**
   * Take the shortcuts that give identical results faster (default): skip rules whose necessary
   * literals are absent from a view, and the ASCII fast path of normalisation. `false` runs every
   * rule's regexes on every view: the reference the equivalence tests compare against.
   */
  readonly shortcuts?: boolean
}

function matchesAll(rule: JailbreakRule, text: string): boolean {
  for (const pattern of rule.all) if (!pattern.test(text)) return false
  return true
}

/** Score one window: every rule against every view (minus those the pre-filter rules out). */
export function scoreWindow(
  text: string,
  rules: readonly JailbreakRule[],
  options: ScoreOptions = {},
): RuleScore {
  const shortcuts = options.shortcuts ?? true
  const views = buildViews(text, shortcuts)
  const prefilter = shortcuts ? prefilterFor(rules) : undefined
  const candidates = prefilter ? views.map((v) => prefilter.candidates(v.text)) : undefined
  const hits: RuleHit[] = []
  let keep = 1
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r]!
    for (let v = 0; v < views.length; v++) {
      if (candidates !== undefined && candidates[v]![r] === 0) continue
      if (matchesAll(rule, views[v]!.text)) {
        hits.push({ rule, view: views[v]!.name })
        keep *= 1 - rule.weight
        break
      }
    }
  }
  return { score: 1 - keep, hits }
}

/** Score a text of any length: the best window wins. */
export function scoreText(
  text: string,
  rules: readonly JailbreakRule[] = JAILBREAK_RULES,
  signal?: AbortSignal,
  options: ScoreOptions = {},
): RuleScore {
  let best: RuleScore = { score: 0, hits: [] }
  for (const window of splitWindows(text, WINDOW)) {
    signal?.throwIfAborted()
    const s = scoreWindow(window.text, rules, options)
    if (s.score > best.score) best = s
  }
  return best
}

/** `ignore_previous_instructions@decoded(0.93)+system_tag(0.70)`, strongest first, at most 4. */
export function describeHits(hits: readonly RuleHit[]): string {
  return [...hits]
    .sort((a, b) => b.rule.weight - a.rule.weight)
    .slice(0, 4)
    .map(
      (h) =>
        `${h.rule.id}${h.view === 'canonical' ? '' : `@${h.view}`}(${h.rule.weight.toFixed(2)})`,
    )
    .join('+')
}

export function verdictFromScore(s: RuleScore, source: string): JailbreakVerdict {
  const isJailbreak = s.score >= 0.5
  const sorted = [...s.hits].sort((a, b) => b.rule.weight - a.rule.weight)
  const top = sorted[0]
  return {
    isJailbreak,
    label: isJailbreak ? 'jailbreak' : 'benign',
    confidence: isJailbreak ? s.score : 1 - s.score,
    source,
    rules: sorted.map((h) => ({
      id: h.rule.id,
      family: h.rule.family,
      weight: h.rule.weight,
      view: h.view,
    })),
    ...(s.hits.length > 0
      ? {
          detail: `${describeHits(s.hits)} family=${top?.rule.family ?? ''} score=${s.score.toFixed(3)}`,
        }
      : {}),
  }
}

export class RuleJailbreakDetector implements JailbreakDetector {
  readonly kind = 'rules'
  constructor(
    private readonly rules: readonly JailbreakRule[] = JAILBREAK_RULES,
    private readonly options: ScoreOptions = {},
  ) {
    // Build the pre-filter now (once per rule list), not on the first request.
    if (options.shortcuts ?? true) prefilterFor(rules)
  }

  /** Scores synchronously within the call; failures (an abort) reject, never throw. */
  detect(text: string, signal?: AbortSignal): Promise<JailbreakVerdict> {
    try {
      const score = scoreText(text, this.rules, signal, this.options)
      return Promise.resolve(verdictFromScore(score, this.kind))
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)))
    }
  }
}
