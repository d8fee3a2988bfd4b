import { MemoryBackend } from '../../src/cache/memory/memory-backend.js'
import { backendConformance } from './conformance.js'

backendConformance('memory', {
  persistent: false,
  build: (options) => Promise.resolve({ backend: new MemoryBackend(options) }),
})

backendConformance('memory (exact scan only)', {
  persistent: false,
  build: (options) =>
    Promise.resolve({ backend: new MemoryBackend({ ...options, useHnsw: false }) }),
})
