/**
 * Builds the guard detectors a config asks for. Called by RuntimeServices (src/runtime), once per
 * config, so every module and API endpoint shares the same detectors.
 *
 * Jailbreak: none when `prompt_guard.enabled` is false; the embedded rules when no model is
 * configured; rules combined with the user's model (CombinedJailbreakDetector) when
 * `prompt_guard.model_id` is set.
 * PII: always available (the embedded validators cost nothing until called); combined with the
 * user's token-classification model when `classifier.pii_model.model_id` is set. Whether the
 * pipeline runs it is decided by the `pii` module (only when some model enforces a PII policy).
 */
import type { RouterConfig } from '../config/schema/index.js'
import { CombinedJailbreakDetector } from './jailbreak/combined-detector.js'
import { RuleJailbreakDetector } from './jailbreak/rule-detector.js'
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
  const rules = new RuleJailbreakDetector()
  if (guard.model_id === '' || !loaders.jailbreakModel) return rules
  const model = await loaders.jailbreakModel(guard.model_id, guard.jailbreak_mapping_path)
  return new CombinedJailbreakDetector(rules, model)
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
