/**
 * One model registry for a whole test process. A router process has one state owner and so loads
 * each model once; a test process starts dozens of runtimes and apps, and would otherwise load the
 * embedded models again for every one. The helpers (makeRuntime, startRouter) hand this registry
 * to the state owners they create; it is never closed (idle model workers do not keep a process
 * alive).
 */
import { ModelRegistry } from '../../src/ml/registry.js'
import { RouterState } from '../../src/runtime/state.js'

export const TEST_MODELS = new ModelRegistry()

/** A fresh state owner (its own cache stores and slots) that shares the test process's models. */
export function testState(): RouterState {
  return new RouterState({ models: TEST_MODELS })
}
