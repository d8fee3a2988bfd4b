/**
 * A user's jailbreak model (prompt_guard.model_id) combined with the embedded rules.
 *
 * Rule: take the larger jailbreak probability of the two (max / OR). Either detector alone can
 * flag a prompt; neither can veto the other. This keeps the rules' guarantees (evasion by padding,
 * encodings, spacing) when a model is configured, and the model's coverage of paraphrases the rules
 * do not know. If the model fails but the rules already flag the text, the rules' verdict stands;
 * if the model fails and the rules do not flag it, the error propagates so `on_error` decides.
 */
import type { JailbreakDetector, JailbreakVerdict } from '../types.js'
import { combinedProbability } from './rule-combination.js'

/** Probability that the text is an attack, from either kind of verdict. */
export function attackProbability(v: JailbreakVerdict): number {
  return v.isJailbreak ? v.confidence : 1 - v.confidence
}

export class CombinedJailbreakDetector implements JailbreakDetector {
  readonly kind: string

  constructor(
    private readonly rules: JailbreakDetector,
    private readonly model: JailbreakDetector,
  ) {
    this.kind = `${rules.kind}+${model.kind}`
  }

  async detect(text: string, signal?: AbortSignal): Promise<JailbreakVerdict> {
    const [ruleResult, modelResult] = await Promise.allSettled([
      this.rules.detect(text, signal),
      this.model.detect(text, signal),
    ])
    if (ruleResult.status === 'rejected') throw ruleResult.reason
    const byRules = ruleResult.value
    if (modelResult.status === 'rejected') {
      // The rules' verdict stands; the detail says the model could not give its opinion.
      if (byRules.isJailbreak)
        return { ...byRules, detail: `${this.model.kind}=failed ${byRules.detail ?? ''}`.trim() }
      throw modelResult.reason
    }
    const byModel = modelResult.value
    const pRules = attackProbability(byRules)
    const pModel = attackProbability(byModel)
    const learned = this.model.ruleCombination
    const winner = pModel > pRules ? byModel : byRules
    const p = learned ? combinedProbability(pRules, pModel, learned) : Math.max(pRules, pModel)
    // An attack only when one of the two says so: two benign verdicts at exactly 0.5 stay benign.
    // (A learned combination decides by its probability alone.)
    const isJailbreak = learned ? p > 0.5 : (byRules.isJailbreak || byModel.isJailbreak) && p >= 0.5
    // The deciding detector's detail first (rule ids, or the model's name), then both scores.
    const parts = [
      ...(winner.detail ? [winner.detail] : []),
      `${this.model.kind}=${pModel.toFixed(3)}`,
      `rules=${pRules.toFixed(3)}`,
    ]
    return {
      isJailbreak,
      label: isJailbreak ? (byModel.isJailbreak ? byModel.label : 'jailbreak') : 'benign',
      confidence: isJailbreak ? p : 1 - p,
      source: winner === byModel ? this.model.kind : this.rules.kind,
      detail: parts.join(' '),
      ...(byRules.rules ? { rules: byRules.rules } : {}),
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.rules.close?.(), this.model.close?.()])
  }
}
