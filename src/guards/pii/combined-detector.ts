/**
 * A user's PII token-classification model (classifier.pii_model.model_id) combined with the
 * embedded validators.
 *
 * Rule: the union of both detectors' entities, then overlaps resolved by confidence (ties: longer
 * span). Validator hits carry checksums or strict grammars, so a model's lower-confidence guess
 * over the same characters yields to them; the model adds what validators cannot see (free-form
 * names, organisations, locations, the model's other labels). Model labels are used as given
 * (upstream's models already use Presidio names); `NO_PII` / `O` entities are dropped.
 */
import type { PiiDetector, PiiEntity } from '../types.js'
import { resolveOverlaps } from './resolve.js'

const NOT_PII = new Set(['O', 'NO_PII', 'NONE', 'SAFE'])

export class CombinedPiiDetector implements PiiDetector {
  readonly kind: string
  readonly types: readonly string[]

  constructor(
    private readonly validators: PiiDetector,
    private readonly model: PiiDetector,
  ) {
    this.kind = `${validators.kind}+${model.kind}`
    this.types = [...new Set([...validators.types, ...model.types])].filter((t) => !NOT_PII.has(t))
  }

  async detect(text: string, signal?: AbortSignal): Promise<PiiEntity[]> {
    const [fromValidators, fromModel] = await Promise.all([
      this.validators.detect(text, signal),
      this.model.detect(text, signal),
    ])
    return resolveOverlaps([...fromValidators, ...fromModel.filter((e) => !NOT_PII.has(e.type))])
  }

  async close(): Promise<void> {
    await Promise.all([this.validators.close?.(), this.model.close?.()])
  }
}
