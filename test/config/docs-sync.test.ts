import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { z } from 'zod'
import { BUILTIN_PLUGINS } from '../../src/assembly/plugins.js'
import type { PluginRegistry, PluginShape } from '../../src/config/plugin.js'
import { routerConfigSchema } from '../../src/config/schema/index.js'

const DOC = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'configuration.md'), 'utf8')

/** Every object key in the schema, with its dotted path. */
function keysOf(schema: z.ZodType, path: string, out: Map<string, string>): void {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def
  switch (def['type']) {
    case 'object': {
      const shape = def['shape'] as Record<string, z.ZodType>
      for (const [key, child] of Object.entries(shape)) {
        const childPath = path === '' ? key : `${path}.${key}`
        out.set(childPath, key)
        keysOf(child, childPath, out)
      }
      return
    }
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
      keysOf(def['innerType'] as z.ZodType, path, out)
      return
    case 'array':
      keysOf(def['element'] as z.ZodType, `${path}[]`, out)
      return
    case 'record':
      keysOf(def['valueType'] as z.ZodType, `${path}.*`, out)
      return
    case 'pipe':
      keysOf(def['in'] as z.ZodType, path, out)
      return
    default:
      return
  }
}

describe('docs/configuration.md', () => {
  const keys = new Map<string, string>()
  keysOf(routerConfigSchema, '', keys)
  // Plug-in options (cache backends, classifiers, ...) live next to each plug-in, not in the schema.
  // Signals are upstream v0.3 routing fields with their own documentation, not this page's.
  const registries = Object.entries(BUILTIN_PLUGINS)
    .filter(([point]) => point !== 'signals')
    .map(([, registry]) => registry as PluginRegistry<PluginShape>)
  for (const registry of registries)
    for (const plugin of registry.all())
      keysOf(plugin.optionsSchema, `<${registry.point} ${plugin.kind} options>`, keys)

  it('walks the whole schema', () => {
    assert.ok(keys.size > 150, `only ${keys.size} keys found`)
  })

  it('walks every plug-in options schema', () => {
    assert.ok(keys.has('<cache backend postgres options>.connection_string'))
  })

  it('documents every config key', () => {
    const missing = [...keys].filter(([, key]) => !DOC.includes(key)).map(([path]) => path)
    assert.deepEqual(missing, [])
  })
})
