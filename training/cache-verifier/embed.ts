/** Sentence embeddings of many texts through the real loader (for training-time measurements). */
import { readModelFolder } from '../../src/ml/folder.js'
import { LoadedModel, toVector } from '../../src/ml/model.js'

export async function embedAll(
  dir: string,
  texts: readonly string[],
): Promise<Map<string, Float32Array>> {
  const model = await LoadedModel.load({
    folder: readModelFolder(dir),
    task: 'embedding',
    labels: [],
    longInput: 'truncate',
  })
  const out = new Map<string, Float32Array>()
  try {
    const unique = [...new Set(texts)]
    for (let i = 0; i < unique.length; i += 64) {
      const batch = unique.slice(i, i + 64)
      ;(await model.run(batch)).forEach((r, j) => out.set(batch[j]!, toVector(r)))
    }
  } finally {
    await model.close()
  }
  return out
}
