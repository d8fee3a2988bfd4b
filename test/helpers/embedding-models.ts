/** Loading a shipped embedding model through the real loader, and the pairs their snapshots use. */
import { readModelFolder } from '../../src/ml/folder.js'
import { LoadedModel } from '../../src/ml/model.js'

export function loadEmbeddingModel(dir: string): Promise<LoadedModel> {
  return LoadedModel.load({
    folder: readModelFolder(dir),
    task: 'embedding',
    labels: [],
    longInput: 'truncate',
  })
}

/** A rewording, lexically close different requests, unrelated texts, empty and non-English text. */
export const SNAPSHOT_PAIRS: readonly (readonly [string, string])[] = [
  ['What is the capital of France?', "What's the capital city of France?"],
  ['convert 100 USD to EUR', 'convert 100 EUR to USD'],
  ['derivative of x cubed', 'derivative of x squared'],
  ['How do vaccines work?', 'Recommend a good pizza place'],
  ['', 'hello'],
  ['こんにちは、元気ですか', 'こんにちは'],
]
