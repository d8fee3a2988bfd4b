/**
 * A user's jailbreak / prompt-injection sequence classifier (prompt_guard.model_id) as a
 * JailbreakDetector. Long prompts are chunked (nothing past the model's maximum goes unscanned)
 * and the most suspicious window decides. A model that declares sentence views (sentences.ts) also
 * scores each sentence, in the same batch, and the most suspicious of text and sentences decides.
 */
import type { JailbreakDetector, JailbreakVerdict } from '../types.js'
import { toClassification } from '../../ml/model.js'
import type { ModelLease } from '../../ml/registry.js'
import { readRuleCombination, type RuleCombination } from './rule-combination.js'
import { readSentenceViews, sentenceViews } from './sentences.js'

export class OnnxJailbreakDetector implements JailbreakDetector {
  readonly kind = 'model'
  readonly ruleCombination: RuleCombination | undefined
  private readonly sentences: boolean

  constructor(
    private readonly lease: ModelLease,
    private readonly name: string,
    private readonly benignLabel: string,
  ) {
    this.ruleCombination = readRuleCombination(lease.model.info.dir)
    this.sentences = readSentenceViews(lease.model.info.dir)
  }

  async detect(text: string, signal?: AbortSignal): Promise<JailbreakVerdict> {
    const texts = this.sentences ? [text, ...sentenceViews(text)] : [text]
    const labels = this.lease.model.info.labels
    const benign = Math.max(0, labels.indexOf(this.benignLabel))
    const results = (await this.lease.model.run(texts, signal)).map((r) =>
      toClassification(labels, r),
    )
    // The most suspicious view: the lowest benign probability (the text itself on a tie).
    let best = 0
    for (let i = 1; i < results.length; i++)
      if (results[i]!.probabilities[benign]! < results[best]!.probabilities[benign]!) best = i
    const c = results[best]!
    const isJailbreak = c.top !== this.benignLabel
    const sentence = best === 0 ? '' : ` sentence=${best}/${texts.length - 1}`
    return {
      isJailbreak,
      label: c.top,
      confidence: c.confidence,
      source: this.kind,
      detail: `model=${this.name} windows=${c.windows}${sentence}`,
    }
  }

  close(): Promise<void> {
    return this.lease.release()
  }
}
