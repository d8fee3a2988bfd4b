/**
 * What the benchmark takes from a router config file: prices (model_config.*.pricing) for cost,
 * and reasoning families (model_config.*.reasoning_family + reasoning_families) for direct runs.
 */
import { loadConfigFile } from '../config/load.js'
import type { FamilySources } from './reasoning-modes.js'
import type { Pricing, PricingTable } from './types.js'

export interface RouterContext {
  readonly pricing: PricingTable
  readonly families: FamilySources
}

export async function loadRouterContext(path: string): Promise<RouterContext> {
  const { config } = await loadConfigFile(path)
  const pricing: Record<string, Pricing> = {}
  const modelFamilies: Record<string, string> = {}
  for (const [model, params] of Object.entries(config.model_config)) {
    if (params.pricing) pricing[model] = params.pricing
    if (params.reasoning_family) modelFamilies[model] = params.reasoning_family
  }
  return { pricing, families: { modelFamilies, families: config.reasoning_families } }
}

/** `model=prompt:completion[:currency]` (per 1M tokens) → a pricing entry. */
export function parsePricingFlag(spec: string): [string, Pricing] {
  const m = /^([^=]+)=([\d.]+):([\d.]+)(?::([A-Za-z]{3}))?$/.exec(spec.trim())
  if (!m)
    throw new Error(`--pricing expects model=prompt_per_1m:completion_per_1m[:CUR], got "${spec}"`)
  return [
    m[1]!,
    { prompt_per_1m: Number(m[2]), completion_per_1m: Number(m[3]), currency: m[4] ?? 'USD' },
  ]
}
