import { memoryBackendPlugin } from '../../src/cache/memory/memory-backend.js'
import { backendConformance, createBackend } from './conformance.js'

backendConformance('memory', {
  persistent: false,
  build: async (options) => ({ backend: await createBackend(memoryBackendPlugin, options) }),
})

backendConformance('memory (exact scan only)', {
  persistent: false,
  build: async (options) => ({
    backend: await createBackend(memoryBackendPlugin, { ...options, useHnsw: false }),
  }),
})
