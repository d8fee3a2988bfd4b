/**
 * Builds the guard detectors a config asks for. Called by RuntimeServices (src/runtime), once per
 * config, so every module and API endpoint shares the same detectors.
 *
 * Jailbreak: none when `prompt_guard.enabled` is false; otherwise the embedded rules combined
 * (CombinedJailbreakDetector) with a model — the user's `prompt_guard.model_id`, or the embedded
 * classifier (models/jailbreak-classifier) when it is empty — that also scores the rules'
 * normalised views of the text (ViewsJailbreakDetector). The rules alone only when no model loads.
 * PII: always available (the embedded validators cost nothing until called); combined with the
 * user's token-classification model when `classifier.pii_model.model_id` is set. Whether the
 * pipeline runs it is decided by the `pii` module (only when some model enforces a PII policy).
 */
import type { RouterConfig } from '../config/schema/index.js'
import { CombinedJailbreakDetector } from './jailbreak/combined-detector.js'
import { RuleJailbreakDetector } from './jailbreak/rule-detector.js'
import { ViewsJailbreakDetector } from './jailbreak/views-detector.js'
import { CombinedPiiDetector } from './pii/combined-detector.js'
import { ValidatorPiiDetector } from './pii/validator-detector.js'
import type { JailbreakDetector, PiiDetector } from './types.js'

/** Loads a user's model folder as a detector (provided by the ML runtime). */
export interface GuardModelLoaders {
  jailbreakModel?(modelPath: string, mappingPath: string): Promise<JailbreakDetector>
  piiModel?(modelPath: string, mappingPath: string): Promise<PiiDetector>
}

export async function createJailbreakDetector(
  config: RouterConfig,
  loaders: GuardModelLoaders = {},
): Promise<JailbreakDetector | null> {
  const guard = config.prompt_guard
  if (!guard.enabled) return null
  if (!loaders.jailbreakModel) return new RuleJailbreakDetector()
  return withRules(await loaders.jailbreakModel(guard.model_id, guard.jailbreak_mapping_path))
}

/** The rules combined with a model that also sees the rules' normalised views of each text. */
export function withRules(model: JailbreakDetector): JailbreakDetector {
  return new CombinedJailbreakDetector(
    new RuleJailbreakDetector(),
    new ViewsJailbreakDetector(model),
  )
}

export async function createPiiDetector(
  config: RouterConfig,
  loaders: GuardModelLoaders = {},
): Promise<PiiDetector> {
  const validators = new ValidatorPiiDetector()
  const pii = config.classifier.pii_model
  if (pii.model_id === '' || !loaders.piiModel) return validators
  const model = await loaders.piiModel(pii.model_id, pii.pii_mapping_path)
  return new CombinedPiiDetector(validators, model)
}
