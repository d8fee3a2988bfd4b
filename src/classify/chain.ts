/**
 * Runs classifiers in order; the first one that returns a result decides. A failing classifier is
 * handled by its `on_error` policy: `allow` logs, counts and moves on to the next classifier;
 * `block` fails the request (`classifier_failed`).
 */
import { RouterError } from '../errors.js'
import { logEvent } from '../log.js'
import type { RuntimeServices } from '../runtime/services.js'
import type { OnErrorPolicy } from '../config/schema/common.js'
import type { CategoryClassification, CategoryClassifier, ClassifyInput } from './types.js'

export interface ChainLink {
  readonly classifier: CategoryClassifier
  readonly onError: OnErrorPolicy
}

export class ClassifierChain {
  readonly links: readonly ChainLink[]
  private readonly services: RuntimeServices

  constructor(links: readonly ChainLink[], services: RuntimeServices) {
    this.links = links
    this.services = services
  }

  get kinds(): string[] {
    return this.links.map((l) => l.classifier.kind)
  }

  async classify(input: ClassifyInput): Promise<CategoryClassification | null> {
    const { metrics, log } = this.services
    for (const { classifier, onError } of this.links) {
      const started = performance.now()
      try {
        const result = classifier.classifySync
          ? classifier.classifySync(input)
          : await classifier.classify(input)
        metrics.classifierLatency.observe(
          { classifier: classifier.kind === 'model' ? 'category' : classifier.kind },
          (performance.now() - started) / 1000,
        )
        if (result) return result
      } catch (err) {
        metrics.classifierErrors.inc({ classifier: classifier.kind, policy: onError })
        logEvent(
          log,
          'classifier_error',
          { classifier: classifier.kind, policy: onError, error: (err as Error).message },
          'warn',
        )
        if (onError === 'block')
          throw new RouterError('classifier_failed', `classifier ${classifier.kind} failed`, {
            cause: err,
          })
      }
    }
    return null
  }

  async close(): Promise<void> {
    await Promise.all(this.links.map((l) => l.classifier.close?.() ?? Promise.resolve()))
  }
}
