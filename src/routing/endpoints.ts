/** Endpoints as transports use them, and which endpoints each model may use. */
import { isIPv6 } from 'node:net'
import type { RouterConfig, VllmEndpointConfig } from '../config/schema/index.js'
import type { EndpointCandidate, EndpointTarget } from './selection/types.js'
import { baseModelOf } from './select-model.js'

export function toEndpointTarget(ep: VllmEndpointConfig): EndpointTarget {
  const host = isIPv6(ep.address) ? `[${ep.address}]` : ep.address
  return {
    name: ep.name,
    address: ep.address,
    port: ep.port,
    protocol: ep.protocol,
    hostPort: `${host}:${ep.port}`,
    ...(ep.api_key_env === undefined ? {} : { apiKeyEnv: ep.api_key_env }),
  }
}

/**
 * The endpoints each model may use, compiled once per config: the model's `preferred_endpoints`
 * (a LoRA name uses its base model's), or every endpoint when it names none (the common
 * single-backend setup). Which one gets a request is the EndpointPolicy's choice.
 */
export class EndpointCatalog {
  private readonly byModel = new Map<string, readonly EndpointCandidate[]>()
  private readonly all: readonly EndpointCandidate[]
  private readonly config: RouterConfig

  constructor(config: RouterConfig) {
    this.config = config
    this.all = config.vllm_endpoints.map(toCandidate)
  }

  /** Candidates for a model (base name or LoRA name); [] when no endpoint is configured. */
  candidates(model: string): readonly EndpointCandidate[] {
    const cached = this.byModel.get(model)
    if (cached) return cached
    const base = baseModelOf(this.config, model)
    const preferred = this.config.model_config[base]?.preferred_endpoints ?? []
    const own = this.all.filter((c) => preferred.includes(c.target.name))
    const list = own.length > 0 ? own : this.all
    this.byModel.set(model, list)
    return list
  }
}

function toCandidate(ep: VllmEndpointConfig): EndpointCandidate {
  return { target: toEndpointTarget(ep), weight: ep.weight, priority: ep.priority }
}
