/**
 * Endpoint selection: the highest-weight endpoint among the model's `preferred_endpoints`; a model
 * without preferred endpoints uses the highest-weight endpoint overall (the common single-backend
 * setup). Upstream picks the same way and does no real load balancing.
 */
import { isIPv6 } from 'node:net'
import type { RouterConfig, VllmEndpointConfig } from '../config/schema/index.js'
import { baseModelOf } from './select-model.js'

/** One upstream endpoint as transports need it. */
export interface EndpointTarget {
  readonly name: string
  readonly address: string
  readonly port: number
  readonly protocol: 'http' | 'https'
  /** `address:port` (IPv6 in brackets), the value of the destination header. */
  readonly hostPort: string
  readonly apiKeyEnv?: string
}

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

export class EndpointResolver {
  private readonly byModel = new Map<string, EndpointTarget | undefined>()
  private readonly fallback: EndpointTarget | undefined
  private readonly config: RouterConfig

  constructor(config: RouterConfig) {
    this.config = config
    const best = pickHighestWeight(config.vllm_endpoints)
    this.fallback = best && toEndpointTarget(best)
  }

  /** Endpoint for a model (base name or LoRA name); undefined when no endpoint is configured. */
  forModel(model: string): EndpointTarget | undefined {
    if (this.byModel.has(model)) return this.byModel.get(model)
    const base = baseModelOf(this.config, model)
    const preferred = this.config.model_config[base]?.preferred_endpoints ?? []
    const candidates = this.config.vllm_endpoints.filter((e) => preferred.includes(e.name))
    const best = pickHighestWeight(candidates)
    const target = best ? toEndpointTarget(best) : this.fallback
    this.byModel.set(model, target)
    return target
  }
}

function pickHighestWeight(
  endpoints: readonly VllmEndpointConfig[],
): VllmEndpointConfig | undefined {
  let best: VllmEndpointConfig | undefined
  for (const ep of endpoints) if (!best || ep.weight > best.weight) best = ep
  return best
}
