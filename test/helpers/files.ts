/** Reading test fixtures from disk. */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

/** Every file below `dir` by its relative path (`onnx/model.onnx`), e.g. to serve from a fake hub. */
export function filesOf(dir: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {}
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile()) {
      const path = join(e.parentPath, e.name)
      files[relative(dir, path)] = readFileSync(path)
    }
  return files
}
