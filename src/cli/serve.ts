/** `semantic-router serve`: run the router (gateway, classification API, metrics, ext_proc). */
import { createRouterApp, type ListenOverrides, type RouterApp } from '../assembly/app.js'
import { loadRouterConfig } from '../assembly/load-config.js'
import { formatIssue, type ConfigIssue } from '../config/issues.js'
import { isRouterError } from '../errors.js'
import { logEvent } from '../log.js'
import { createServeLogger } from './serve-logger.js'
import type { SimulatorFleet } from '../simulator/index.js'
import { parseCommandArgs, usageError } from './args.js'
import { EXIT, type CliCommand } from './types.js'

const HELP = `Usage: semantic-router serve [--config <file>] [options]

Runs the router: the OpenAI-compatible gateway, the classification API, the Prometheus metrics
endpoint and (when built in) the Envoy ext_proc server. The config file is watched and reloaded
on change; a broken new file keeps the last good config running.

Options:
  -c, --config <file>       Config file (default: config/config.yaml).
      --port <n>            ext_proc gRPC port (default: server.extproc_port, 50051).
      --gateway-port <n>    OpenAI-compatible gateway port (default: server.gateway_port, 8801).
      --api-port <n>        Classification API port (default: server.api_port, 8080).
      --metrics-port <n>    Prometheus /metrics port (default: server.metrics_port, 9190).
      --host <addr>         Bind address for every listener (default: server.host, 127.0.0.1).
      --no-gateway          Do not start the gateway.
      --no-api              Do not start the classification API.
      --no-extproc          Do not start the ext_proc server.
      --secure              Serve ext_proc over TLS (default: extproc.tls.enabled). Without
                            --cert-path a self-signed localhost certificate is generated.
      --cert-path <dir>     Directory with tls.crt and tls.key for ext_proc TLS (implies --secure).
      --no-watch            Do not reload the config when the file changes.
      --simulate-backends   Start the simulator (a fake vLLM, for demos and development) on every
                            loopback endpoint in vllm_endpoints before the router starts.
  -h, --help                Show this help.

Port 0 picks a free port. Logs are JSON lines on standard output (SR_LOG_LEVEL sets the level).
SIGINT / SIGTERM stop gracefully within server.shutdown_grace_ms; a second signal exits at once.

Examples:
  semantic-router serve --config config/config.yaml --simulate-backends
  semantic-router serve -c /etc/router/config.yaml --host 0.0.0.0`

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run the router (gateway, classification API, metrics, ext_proc)',
  help: HELP,
  async run(argv) {
    const parsed = parseCommandArgs(
      {
        name: 'serve',
        help: HELP,
        options: {
          config: { type: 'string', short: 'c', default: 'config/config.yaml' },
          port: { type: 'string' },
          'gateway-port': { type: 'string' },
          'api-port': { type: 'string' },
          'metrics-port': { type: 'string' },
          host: { type: 'string' },
          'no-gateway': { type: 'boolean', default: false },
          'no-api': { type: 'boolean', default: false },
          'no-extproc': { type: 'boolean', default: false },
          secure: { type: 'boolean', default: false },
          'cert-path': { type: 'string' },
          'no-watch': { type: 'boolean', default: false },
          'simulate-backends': { type: 'boolean', default: false },
        },
      },
      argv,
    )
    if (typeof parsed === 'number') return parsed
    const v = parsed.values
    let listen: ListenOverrides
    try {
      listen = {
        ...portOption('port', v.port, 'extprocPort'),
        ...portOption('gateway-port', v['gateway-port'], 'gatewayPort'),
        ...portOption('api-port', v['api-port'], 'apiPort'),
        ...portOption('metrics-port', v['metrics-port'], 'metricsPort'),
        ...(v.host === undefined ? {} : { host: v.host }),
        ...(v['no-gateway'] ? { enableGateway: false } : {}),
        ...(v['no-api'] ? { enableApi: false } : {}),
        ...(v['no-extproc'] ? { enableExtproc: false } : {}),
        ...(v.secure || v['cert-path'] !== undefined
          ? { extprocTls: { enabled: true, certPath: v['cert-path'] ?? '' } }
          : {}),
      }
    } catch (err) {
      return usageError('serve', (err as Error).message)
    }
    return serve(v.config, listen, { watch: !v['no-watch'], simulate: v['simulate-backends'] })
  },
}

async function serve(
  configPath: string,
  listen: ListenOverrides,
  flags: { watch: boolean; simulate: boolean },
): Promise<number> {
  const { log, flush } = createServeLogger()
  let fleet: SimulatorFleet | undefined
  let app: RouterApp
  try {
    const loaded = await loadRouterConfig(configPath)
    if (flags.simulate) {
      // Loaded only on demand: a production router never carries the simulator in memory.
      const { startSimulatedBackends } = await import('./simulated-backends.js')
      fleet = await startSimulatedBackends(loaded.config, log)
    }
    app = await createRouterApp({ configPath, loaded, watch: flags.watch, listen, log })
  } catch (err) {
    await fleet?.close()
    flush()
    reportStartFailure(err)
    return EXIT.failure
  }
  const code = await waitForSignal(app, fleet)
  flush()
  return code
}

function reportStartFailure(err: unknown): void {
  if (isRouterError(err) && err.code === 'config_invalid' && Array.isArray(err.details)) {
    const issues = err.details as ConfigIssue[]
    process.stderr.write(`config is invalid (${issues.length} problems):\n`)
    for (const issue of issues) process.stderr.write(`  ${formatIssue(issue)}\n`)
    process.stderr.write('Run `semantic-router validate-config` after fixing it.\n')
  } else {
    process.stderr.write(`failed to start: ${err instanceof Error ? err.message : String(err)}\n`)
  }
}

/** Run until SIGINT/SIGTERM, then stop gracefully; a second signal exits at once. */
function waitForSignal(app: RouterApp, fleet: SimulatorFleet | undefined): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        logEvent(app.log, 'router_forced_exit', { signal }, 'warn')
        process.exit(EXIT.failure)
      }
      stopping = true
      logEvent(app.log, 'signal_received', { signal })
      void app
        .close()
        .then(() => fleet?.close())
        .then(
          () => resolve(EXIT.ok),
          () => resolve(EXIT.failure),
        )
        .finally(() => {
          process.off('SIGINT', onSignal)
          process.off('SIGTERM', onSignal)
        })
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
}

function portOption<K extends keyof ListenOverrides>(
  flag: string,
  value: string | undefined,
  key: K,
): Partial<Record<K, number>> {
  if (value === undefined) return {}
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--${flag} must be a port number (0-65535), got ${JSON.stringify(value)}`)
  return { [key]: port } as Partial<Record<K, number>>
}
