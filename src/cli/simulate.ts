/** `semantic-router simulate`: run simulated OpenAI-compatible (vLLM-like) model servers. */
import type { parseArgs } from 'node:util'
import { createLogger } from '../log.js'
import {
  loadSimulatorFile,
  parseFaultSpec,
  startSimulators,
  type BehaviourPatch,
  type SimulatorOptions,
} from '../simulator/index.js'
import { loadDataset } from '../bench/datasets/index.js'
import { quizResponder } from '../bench/quiz-responder.js'
import type { Responder } from '../simulator/index.js'
import { parseCommandArgs, usageError } from './args.js'
import { EXIT, type CliCommand } from './types.js'

const HELP = `Usage: semantic-router simulate [options]

Runs a SIMULATED OpenAI-compatible model server (vLLM-like) for development, tests, demos and
benchmarks. It generates placeholder text, not real answers; every response says it comes from the
semantic-router simulator. Routes: POST /v1/chat/completions (JSON and SSE streaming),
GET /v1/models, GET /health, GET /metrics (vLLM names), and a debug API under /_simulator/.

Options:
  -p, --port <n>              Port (default 8000; 0 picks a free one).
      --host <addr>           Bind address (default 127.0.0.1).
  -m, --model <name>          Model name served; repeat for several (default simulated-model).
      --listen <port>=<m,...> One more listener with its own models; repeat for several ports,
                              e.g. --listen 8000=qwen3-8b --listen 8001=deepseek-v31,gpt-oss-20b.
                              When given, --port/--model are not used.
  -c, --config <file>         YAML/JSON simulator config (listeners, per-model behaviour); see
                              docs/simulator.md. Other behaviour flags then set the defaults.
      --ttft-ms <ms>          Time to first token (default 0).
      --tpot-ms <ms>          Time per output token (default 0).
      --output-tokens <n>     Answer length in tokens (default 32).
      --reasoning-tokens <n>  Reasoning tokens at effort low; medium x2, high x4 (default 32).
      --no-reasoning          Models ignore reasoning fields.
      --max-concurrency <n>   Requests generated at once per model; others wait (default 0 = no limit).
      --tokens-per-chunk <n>  Tokens per SSE event (default 1).
      --fault <spec>          Fault for every model, e.g. status=503,rate=0.1 or drop=5 or
                              slow-headers=2000 (keys: status, delay, slow-headers, drop,
                              malformed, hang, rate).
      --answer-key <file>     Answer multiple-choice questions found in this dataset file (MMLU-Pro
                              layout, e.g. bench/datasets/sample-mmlu-pro.jsonl) instead of filler
                              text, right with probability --accuracy (for benchmark demos).
      --answer-key-dataset <name>  Layout of --answer-key (default mmlu-pro; see bench list-datasets).
      --accuracy <x>          Share of right answers with --answer-key (default 0.6).
      --reasoning-gain <x>    Added to --accuracy when reasoning is on (default 0.1).
      --accept-unknown-models Serve any model name instead of answering 404.
      --no-prompt-faults      Ignore [sim:...] fault markers in prompts.
      --seed <n>              Seed for fault rates (default 42).
      --max-body-bytes <n>    Largest request body (default 4194304).
      --max-connections <n>   Open connections per listener (default 512).
      --log-level <level>     info (default) or debug (one line per request).
  -h, --help                  Show this help.

Per request, a client can ask for a fault with the header 'x-simulator-fault: status=500' or a
marker in a message such as '[sim:drop=3]'. Stop with Ctrl-C.

Examples:
  semantic-router simulate --port 8000 --model qwen3-8b --model deepseek-v31 --ttft-ms 50 --tpot-ms 10
  semantic-router simulate --listen 8000=qwen3-8b --listen 8001=gpt-oss-20b --fault status=503,rate=0.05`

const OPTIONS = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  model: { type: 'string', short: 'm', multiple: true },
  listen: { type: 'string', multiple: true },
  config: { type: 'string', short: 'c' },
  'ttft-ms': { type: 'string' },
  'tpot-ms': { type: 'string' },
  'output-tokens': { type: 'string' },
  'reasoning-tokens': { type: 'string' },
  'no-reasoning': { type: 'boolean', default: false },
  'max-concurrency': { type: 'string' },
  'tokens-per-chunk': { type: 'string' },
  fault: { type: 'string' },
  'answer-key': { type: 'string' },
  'answer-key-dataset': { type: 'string', default: 'mmlu-pro' },
  accuracy: { type: 'string', default: '0.6' },
  'reasoning-gain': { type: 'string', default: '0.1' },
  'accept-unknown-models': { type: 'boolean', default: false },
  'no-prompt-faults': { type: 'boolean', default: false },
  seed: { type: 'string' },
  'max-body-bytes': { type: 'string' },
  'max-connections': { type: 'string' },
  'log-level': { type: 'string', default: 'info' },
} as const

type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: false }>
>['values']

function int(values: Values, name: keyof Values): number | undefined {
  const raw = values[name]
  if (raw === undefined || typeof raw !== 'string') return undefined
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`)
  return n
}

function behaviourFlags(values: Values): BehaviourPatch {
  const patch: BehaviourPatch = {}
  const set = <K extends keyof BehaviourPatch>(key: K, value: BehaviourPatch[K] | undefined) => {
    if (value !== undefined) patch[key] = value
  }
  set('ttftMs', int(values, 'ttft-ms'))
  set('tpotMs', int(values, 'tpot-ms'))
  set('outputTokens', int(values, 'output-tokens'))
  set('reasoningTokens', int(values, 'reasoning-tokens'))
  set('maxConcurrency', int(values, 'max-concurrency'))
  set('tokensPerChunk', int(values, 'tokens-per-chunk'))
  if (values['no-reasoning']) patch.supportsReasoning = false
  if (values.fault !== undefined) patch.fault = parseFaultSpec(values.fault)
  return patch
}

function parseListen(spec: string): { port: number; models: string[] } {
  const eq = spec.indexOf('=')
  const port = Number(eq === -1 ? spec : spec.slice(0, eq))
  const models =
    eq === -1
      ? []
      : spec
          .slice(eq + 1)
          .split(',')
          .filter(Boolean)
  if (!Number.isInteger(port) || port < 0 || port > 65535 || models.length === 0) {
    throw new Error(`--listen expects <port>=<model>[,<model>...], got "${spec}"`)
  }
  return { port, models }
}

/** Turn flags (and an optional config file) into one options object per listener. */
export async function simulateListeners(values: Values): Promise<SimulatorOptions[]> {
  const flags = behaviourFlags(values)
  const shared: SimulatorOptions = {
    acceptUnknownModels: values['accept-unknown-models'] || undefined,
    promptFaults: values['no-prompt-faults'] ? false : undefined,
    seed: int(values, 'seed'),
    maxBodyBytes: int(values, 'max-body-bytes'),
    maxConnections: int(values, 'max-connections'),
  }
  const defined = (o: SimulatorOptions) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as SimulatorOptions
  if (values.config !== undefined) {
    const fromFile = await loadSimulatorFile(values.config)
    return fromFile.map((l) => ({
      ...l,
      ...defined(shared),
      ...(values.host !== undefined ? { host: values.host } : {}),
      defaults: { ...l.defaults, ...flags },
    }))
  }
  const listeners =
    values.listen !== undefined && values.listen.length > 0
      ? values.listen.map(parseListen)
      : [{ port: int(values, 'port') ?? 8000, models: values.model ?? ['simulated-model'] }]
  return listeners.map((l) => ({
    ...defined(shared),
    host: values.host,
    port: l.port,
    models: l.models,
    defaults: flags,
  }))
}

/** With --answer-key: a responder that answers the dataset's questions at the given accuracy. */
async function answerKeyResponder(values: Values): Promise<Responder | undefined> {
  if (values['answer-key'] === undefined) return undefined
  const accuracy = Number(values.accuracy)
  const gain = Number(values['reasoning-gain'])
  if (!(accuracy >= 0 && accuracy <= 1)) throw new Error('--accuracy must be between 0 and 1')
  if (!(gain >= -1 && gain <= 1)) throw new Error('--reasoning-gain must be between -1 and 1')
  const { questions } = await loadDataset(values['answer-key-dataset'], values['answer-key'])
  const profile = { defaultAccuracy: accuracy, reasoningGain: gain }
  return quizResponder({ questions, profiles: {}, defaultProfile: profile })
}

export const simulateCommand: CliCommand = {
  name: 'simulate',
  summary: 'Run simulated OpenAI-compatible model servers (vLLM-like, for tests and demos)',
  help: HELP,
  async run(argv) {
    const parsed = parseCommandArgs({ name: 'simulate', help: HELP, options: OPTIONS }, argv)
    if (typeof parsed === 'number') return parsed
    const values: Values = parsed.values
    let listeners: SimulatorOptions[]
    try {
      listeners = await simulateListeners(values)
      const responder = await answerKeyResponder(values)
      if (responder) listeners = listeners.map((l) => ({ ...l, responder }))
    } catch (err) {
      return usageError('simulate', (err as Error).message)
    }
    const logger = createLogger({ level: values['log-level'], base: { component: 'simulator' } })
    const fleet = await startSimulators(listeners.map((l) => ({ ...l, logger })))
    for (const sim of fleet.simulators) {
      process.stdout.write(
        `semantic-router simulator listening on ${sim.url} (models: ${sim.models.join(', ')})\n`,
      )
    }
    await new Promise<void>((resolve) => {
      const stop = () => resolve()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    await fleet.close()
    process.stdout.write('semantic-router simulator stopped\n')
    return EXIT.ok
  },
}
