/**
 * The registry of loaded models: one load per (folder, task, labels, settings) however many
 * runtimes use it, so a config reload that keeps a model keeps it loaded. A user model is closed
 * when its last user releases it; the embedded defaults stay loaded for the life of the registry
 * (their idle workers do not keep the process alive). The router's state owner (`RouterState`,
 * src/runtime/state.ts) holds the one registry a router process uses and closes it last.
 */
import { resolve } from 'node:path'
import { LoadedModel, type InferenceSettings, type ModelInfo, type ModelSpec } from './model.js'

interface Entry {
  readonly key: string
  readonly role: string
  readonly model: Promise<LoadedModel>
  users: number
  readonly pinned: boolean
}

export interface ModelLease {
  readonly model: LoadedModel
  /** Idempotent. */
  release(): Promise<void>
}

export interface LoadedModelStatus extends ModelInfo {
  readonly role: string
  readonly users: number
}

function keyOf(spec: ModelSpec, settings: InferenceSettings): string {
  return JSON.stringify([
    resolve(spec.folder.onnxFile),
    spec.task,
    spec.labels,
    spec.longInput,
    spec.aggregate ?? '',
    spec.benignLabel ?? '',
    settings,
  ])
}

export class ModelRegistry {
  private readonly entries = new Map<string, Entry>()

  async acquire(
    role: string,
    spec: ModelSpec,
    settings: InferenceSettings,
    options: { pinned?: boolean } = {},
  ): Promise<ModelLease> {
    const entries = this.entries
    const key = keyOf(spec, settings)
    let entry = entries.get(key)
    if (!entry) {
      entry = {
        key,
        role,
        model: LoadedModel.load(spec, settings),
        users: 0,
        pinned: options.pinned ?? false,
      }
      entries.set(key, entry)
      entry.model.catch(() => entries.delete(key))
    }
    entry.users++
    const held = entry
    let model: LoadedModel
    try {
      model = await held.model
    } catch (err) {
      held.users--
      throw err
    }
    let released = false
    return {
      model,
      async release() {
        if (released) return
        released = true
        held.users--
        if (held.users > 0 || held.pinned || entries.get(key) !== held) return
        entries.delete(key)
        await model.close()
      },
    }
  }

  /** Models loaded right now (for /info/models). */
  async loaded(): Promise<LoadedModelStatus[]> {
    const out: LoadedModelStatus[] = []
    for (const e of this.entries.values()) {
      try {
        const m = await e.model
        out.push({ ...m.info, role: e.role, users: e.users })
      } catch {
        // failed loads are reported where they were requested
      }
    }
    return out
  }

  /** Close everything, pinned models included (process shutdown, tests). */
  async close(): Promise<void> {
    const all = [...this.entries.values()]
    this.entries.clear()
    await Promise.allSettled(all.map(async (e) => (await e.model).close()))
  }
}
