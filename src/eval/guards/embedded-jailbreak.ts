/**
 * The jailbreak detector the router builds by default — the rules combined with the embedded
 * classifier (models/jailbreak-classifier) — for evaluations outside a running router. A user's
 * model folder can stand in for the embedded one.
 */
import { withRules } from '../../guards/jailbreak/plugins.js'
import { EMBEDDED_MODELS } from '../../ml/embedded.js'
import { OnnxJailbreakDetector } from '../../guards/jailbreak/onnx-detector.js'
import { readModelFolder } from '../../ml/folder.js'
import { LoadedModel } from '../../ml/model.js'
import type { JailbreakDetector } from '../../guards/types.js'

export async function loadJailbreakModelDetector(
  modelDir: string = EMBEDDED_MODELS.jailbreak,
): Promise<JailbreakDetector> {
  const folder = readModelFolder(modelDir)
  const labels = folder.labels ?? ['benign', 'jailbreak']
  const benign = labels.find((l) => /^(benign|safe)$/i.test(l)) ?? labels[0]!
  const model = await LoadedModel.load({
    folder,
    task: 'sequence-classification',
    labels,
    longInput: 'chunk',
    aggregate: 'max-risk',
    benignLabel: benign,
  })
  const lease = { model, release: () => model.close() }
  return new OnnxJailbreakDetector(
    lease,
    modelDir === EMBEDDED_MODELS.jailbreak ? 'embedded/jailbreak-classifier' : modelDir,
    benign,
  )
}

/** Rules + model, combined as the router combines them. */
export async function loadDefaultJailbreakDetector(modelDir?: string): Promise<JailbreakDetector> {
  return withRules(await loadJailbreakModelDetector(modelDir))
}
