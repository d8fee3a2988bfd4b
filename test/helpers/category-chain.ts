/** The default classifier chain (embedded category model) built from an empty config, for tests. */
import { buildClassifierChain } from '../../src/classify/registry.js'
import type { ClassifierChain } from '../../src/classify/chain.js'
import { parseConfigText } from '../../src/config/load.js'
import { silentLogger } from '../../src/log.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import { createRuntimeServices } from '../../src/assembly/build-services.js'

export async function defaultClassifierChain(): Promise<{
  chain: ClassifierChain
  close: () => Promise<void>
}> {
  const { config } = parseConfigText('{}\n')
  const services = await createRuntimeServices(config, {
    log: silentLogger(),
    metrics: new RouterMetrics(),
    baseDir: process.cwd(),
  })
  const chain = await buildClassifierChain(config, services)
  return {
    chain,
    close: async () => {
      await chain.close()
      await services.close()
    },
  }
}
