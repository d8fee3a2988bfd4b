/**
 * `serve --simulate-backends`: start the simulator on every loopback endpoint of a config, serving
 * the models that prefer that endpoint, so the bundled config (or any config pointing at
 * 127.0.0.1) answers without a real LLM. Endpoints on other hosts are left alone: the simulator
 * never pretends to be a remote server.
 */
import { isIP } from 'node:net'
import type { RouterConfig } from '../config/schema/index.js'
import type { Logger } from '../log.js'
import { startSimulators, type SimulatorFleet, type SimulatorOptions } from '../simulator/index.js'

export function isLoopbackAddress(address: string): boolean {
  if (address === 'localhost' || address === '::1') return true
  return isIP(address) === 4 && address.startsWith('127.')
}

/** One simulator listener per distinct loopback address:port, with the models routed there. */
export function simulatorPlan(config: RouterConfig): SimulatorOptions[] {
  const byPort = new Map<string, { host: string; port: number; models: Set<string> }>()
  const endpointsByName = new Map(config.vllm_endpoints.map((e) => [e.name, e]))
  for (const ep of config.vllm_endpoints) {
    if (!isLoopbackAddress(ep.address)) continue
    const key = `${ep.address}:${ep.port}`
    if (!byPort.has(key))
      byPort.set(key, {
        host: ep.address === 'localhost' ? '127.0.0.1' : ep.address,
        port: ep.port,
        models: new Set(),
      })
  }
  for (const [model, params] of Object.entries(config.model_config)) {
    const names = params.preferred_endpoints.filter((n) => endpointsByName.has(n))
    for (const name of names) {
      const ep = endpointsByName.get(name)
      if (ep) byPort.get(`${ep.address}:${ep.port}`)?.models.add(model)
      for (const lora of params.loras)
        if (ep) byPort.get(`${ep.address}:${ep.port}`)?.models.add(lora.name)
    }
  }
  const reasoningModels = new Set(
    Object.entries(config.model_config)
      .filter(([, p]) => p.reasoning_family !== '')
      .map(([m]) => m),
  )
  return [...byPort.values()].map((l) => ({
    host: l.host,
    port: l.port,
    models: (l.models.size > 0 ? [...l.models] : ['simulated-model']).map((name) => ({
      name,
      behaviour: { supportsReasoning: reasoningModels.has(name) },
    })),
    // A model without preferred endpoints goes to the highest-weight endpoint; any name is served.
    acceptUnknownModels: true,
    defaults: { ttftMs: 40, tpotMs: 8 },
  }))
}

export async function startSimulatedBackends(
  config: RouterConfig,
  log: Logger,
): Promise<SimulatorFleet | undefined> {
  const plan = simulatorPlan(config)
  if (plan.length === 0) return undefined
  return startSimulators(plan.map((p) => ({ ...p, logger: log })))
}
