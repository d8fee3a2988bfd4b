/**
 * A user's jailbreak / prompt-injection sequence classifier (prompt_guard.model_id) as a
 * JailbreakDetector. Long prompts are chunked (nothing past the model's maximum goes unscanned)
 * and the most suspicious window decides.
 */
import type { JailbreakDetector, JailbreakVerdict } from '../types.js'
import { toClassification } from '../../ml/model.js'
import type { ModelLease } from '../../ml/registry.js'
import { readRuleCombination, type RuleCombination } from './rule-combination.js'

export class OnnxJailbreakDetector implements JailbreakDetector {
  readonly kind = 'model'
  readonly ruleCombination: RuleCombination | undefined

  constructor(
    private readonly lease: ModelLease,
    private readonly name: string,
    private readonly benignLabel: string,
  ) {
    this.ruleCombination = readRuleCombination(lease.model.info.dir)
  }

  async detect(text: string, signal?: AbortSignal): Promise<JailbreakVerdict> {
    const [result] = await this.lease.model.run([text], signal)
    const c = toClassification(this.lease.model.info.labels, result!)
    const isJailbreak = c.top !== this.benignLabel
    return {
      isJailbreak,
      label: c.top,
      confidence: c.confidence,
      source: this.kind,
      detail: `model=${this.name} windows=${c.windows}`,
    }
  }

  close(): Promise<void> {
    return this.lease.release()
  }
}
