/**
 * Several simulator listeners started together (one per port), and the simulator's config file
 * (YAML or JSON, snake_case keys) that describes them:
 *
 *   host: 127.0.0.1
 *   defaults: { ttft_ms: 20, tpot_ms: 5 }
 *   listeners:
 *     - port: 8000
 *       models: [qwen3-8b, { name: deepseek-v31, reasoning_tokens: 64, fault: { status: 503, rate: 0.1 } }]
 */
import { readFile } from 'node:fs/promises'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { behaviourPatchSchema, camelKeys, describeZodError } from './behaviour.js'
import type { ReceivedRequest } from './recorder.js'
import { startSimulator, type Simulator, type SimulatorOptions } from './server.js'

export interface SimulatorFleet {
  readonly simulators: readonly Simulator[]
  /** Every listener's received requests, in arrival order. */
  received(): ReceivedRequest[]
  close(): Promise<void>
}

/** Start one listener per entry; if any fails to start, the ones already started are closed. */
export async function startSimulators(
  listeners: readonly SimulatorOptions[],
): Promise<SimulatorFleet> {
  const simulators: Simulator[] = []
  try {
    for (const options of listeners) simulators.push(await startSimulator(options))
  } catch (err) {
    await Promise.all(simulators.map((s) => s.close()))
    throw err
  }
  return {
    simulators,
    received: () =>
      simulators
        .flatMap((s) => s.received())
        .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt)),
    close: async () => {
      await Promise.all(simulators.map((s) => s.close()))
    },
  }
}

const modelEntrySchema = z.union([
  z.string().min(1),
  behaviourPatchSchema.extend({ name: z.string().min(1) }),
])

const listenerSchema = z.strictObject({
  host: z.string().optional(),
  port: z.number().int().min(0).max(65535),
  models: z.array(modelEntrySchema).min(1),
})

export const simulatorFileSchema = z.strictObject({
  host: z.string().optional(),
  seed: z.number().int().optional(),
  maxBodyBytes: z.number().int().positive().optional(),
  maxConnections: z.number().int().positive().optional(),
  maxRecorded: z.number().int().min(0).optional(),
  promptFaults: z.boolean().optional(),
  debugApi: z.boolean().optional(),
  acceptUnknownModels: z.boolean().optional(),
  defaults: behaviourPatchSchema.optional(),
  listeners: z.array(listenerSchema).min(1),
})

export type SimulatorFile = z.infer<typeof simulatorFileSchema>

/** Validate a parsed config object (snake_case or camelCase keys) into listener options. */
export function simulatorOptionsFromFile(
  raw: unknown,
  source = 'simulator config',
): SimulatorOptions[] {
  const parsed = simulatorFileSchema.safeParse(camelKeys(raw))
  if (!parsed.success) throw new Error(`${source}: ${describeZodError(parsed.error)}`)
  const file = parsed.data
  return file.listeners.map((listener) => ({
    host: listener.host ?? file.host,
    port: listener.port,
    seed: file.seed,
    maxBodyBytes: file.maxBodyBytes,
    maxConnections: file.maxConnections,
    maxRecorded: file.maxRecorded,
    promptFaults: file.promptFaults,
    debugApi: file.debugApi,
    acceptUnknownModels: file.acceptUnknownModels,
    defaults: file.defaults,
    models: listener.models.map((m) => {
      if (typeof m === 'string') return m
      const { name, ...behaviour } = m
      return { name, behaviour }
    }),
  }))
}

export async function loadSimulatorFile(path: string): Promise<SimulatorOptions[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new Error(`cannot read simulator config ${path}: ${(err as Error).message}`)
  }
  let raw: unknown
  try {
    raw = parseYaml(text)
  } catch (err) {
    throw new Error(`simulator config ${path} is not valid YAML/JSON: ${(err as Error).message}`)
  }
  return simulatorOptionsFromFile(raw, path)
}
