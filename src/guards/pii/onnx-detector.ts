/**
 * A user's PII token classifier (classifier.pii_model.model_id, BIO labels with Presidio type
 * names) as a PiiDetector: entity spans with character offsets, values and averaged confidences.
 */
import type { PiiDetector, PiiEntity } from '../types.js'
import { toEntities } from '../../ml/model.js'
import { splitBio } from '../../ml/postprocess.js'
import type { ModelLease } from '../../ml/registry.js'

export class OnnxPiiDetector implements PiiDetector {
  readonly kind = 'model'
  readonly types: readonly string[]

  constructor(private readonly lease: ModelLease) {
    const types = lease.model.info.labels.map((l) => splitBio(l)).filter(([tag]) => tag !== 'O')
    this.types = [...new Set(types.map(([, type]) => type))]
  }

  async detect(text: string, signal?: AbortSignal): Promise<PiiEntity[]> {
    if (text === '') return []
    const [result] = await this.lease.model.run([text], signal)
    return toEntities(text, result!).map((e) => ({
      type: e.type,
      start: e.start,
      end: e.end,
      value: e.value,
      confidence: e.confidence,
      source: this.kind,
    }))
  }

  close(): Promise<void> {
    return this.lease.release()
  }
}
