/**
 * What /info/models reports about a loaded model: upstream's `load_time` and `memory_usage`
 * strings plus exact numbers. Memory is the ONNX file size plus the RSS growth measured while the
 * session was created (approximate: other threads allocate too).
 */
import type { LoadedModelStatus, ModelRegistry } from './registry.js'
import type { ModelRole } from './roles.js'

export interface ModelStatusFields {
  readonly load_time: string
  readonly memory_usage: string
  readonly metadata: Record<string, unknown>
}

export function statusFields(m: LoadedModelStatus): ModelStatusFields {
  const bytes = m.fileBytes + m.rssDeltaBytes
  return {
    load_time: `${m.loadMs.toFixed(1)}ms`,
    memory_usage: `${(bytes / 1024 / 1024).toFixed(1)} MB`,
    metadata: {
      model_dir: m.dir,
      onnx_file: m.onnxFile,
      model_type: m.modelType,
      task: m.task,
      max_sequence_length: m.maxLength,
      load_time_ms: Math.round(m.loadMs * 10) / 10,
      file_bytes: m.fileBytes,
      rss_delta_bytes: m.rssDeltaBytes,
      placement: m.placement,
      workers: m.workers,
    },
  }
}

/** Status of the model loaded for a role (the most used one if several runtimes differ). */
export async function roleStatus(
  models: ModelRegistry,
  role: ModelRole,
): Promise<LoadedModelStatus | undefined> {
  const all = (await models.loaded()).filter((m) => m.role === role)
  return all.sort((a, b) => b.users - a.users)[0]
}
