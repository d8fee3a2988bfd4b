/**
 * The jailbreak detector kinds this build ships (registered in src/guards/registry.ts):
 *   rules  the embedded rule detector (always available, no model);
 *   model  the sequence classifier named by `prompt_guard.model_id`, else the embedded classifier
 *          (models/jailbreak-classifier), run on the text and on the rules' normalised views
 *          (ViewsJailbreakDetector); nothing when no model loads (the fallback left none).
 * The default list [rules, model] combines them as `withRules` does.
 */
import { z } from 'zod'
import { loadRoleModel } from '../../ml/roles.js'
import type { JailbreakDetectorPlugin } from '../types.js'
import { OnnxJailbreakDetector } from './onnx-detector.js'
import { CombinedJailbreakDetector } from './combined-detector.js'
import { RuleJailbreakDetector } from './rule-detector.js'
import { ViewsJailbreakDetector } from './views-detector.js'
import type { JailbreakDetector } from '../types.js'

export const rulesJailbreakDetector: JailbreakDetectorPlugin<Record<string, never>> = {
  kind: 'rules',
  description:
    'embedded rules: instruction override, persona, prompt leaks, obfuscation (no model)',
  optionsSchema: z.strictObject({}),
  create: () => Promise.resolve(new RuleJailbreakDetector()),
}

export const modelJailbreakDetector: JailbreakDetectorPlugin<Record<string, never>> = {
  kind: 'model',
  description:
    'the sequence classifier of prompt_guard.model_id, else the embedded one, on the text and its normalised views',
  optionsSchema: z.strictObject({}),
  async create(ctx) {
    // An empty model_id means the embedded classifier.
    const loaded = await loadRoleModel('jailbreak', ctx)
    if (!loaded) return null
    const benign = loaded.resolved.spec.benignLabel ?? loaded.lease.model.info.labels[0]!
    const model = new OnnxJailbreakDetector(loaded.lease, loaded.resolved.name, benign)
    return new ViewsJailbreakDetector(model)
  },
}

/** The rules combined with a model that also sees the rules' views (what [rules, model] builds). */
export function withRules(model: JailbreakDetector): JailbreakDetector {
  return new CombinedJailbreakDetector(
    new RuleJailbreakDetector(),
    new ViewsJailbreakDetector(model),
  )
}
