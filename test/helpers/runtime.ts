/** Builds a real Runtime from YAML for tests, with captured logs and a private metrics registry. */
import { parseConfigText } from '../../src/config/load.js'
import { createLogger } from '../../src/log.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import type { RequestMeta } from '../../src/pipeline/types.js'
import { localRequestMeta } from '../../src/pipeline/local-meta.js'
import { buildRuntime } from '../../src/assembly/build-runtime.js'
import type { RouterPlugins } from '../../src/assembly/plugins.js'
import type { Runtime } from '../../src/pipeline/runtime.js'
import { testState } from './models.js'

export interface LogLine {
  level: string
  msg: string
  event?: string
  [key: string]: unknown
}

/** A pino destination that keeps parsed lines in memory. */
export function logCapture(): { lines: LogLine[]; stream: { write(s: string): void } } {
  const lines: LogLine[] = []
  return {
    lines,
    stream: {
      write(s: string) {
        for (const line of s.split('\n'))
          if (line.trim() !== '') lines.push(JSON.parse(line) as LogLine)
      },
    },
  }
}

export interface TestRuntime {
  runtime: Runtime
  metrics: RouterMetrics
  logs: LogLine[]
  events(name: string): LogLine[]
  metricsText(): Promise<string>
}

export async function makeRuntime(
  yaml: string,
  options: { plugins?: RouterPlugins } = {},
): Promise<TestRuntime> {
  const capture = logCapture()
  const log = createLogger({ level: 'debug', destination: capture.stream })
  const metrics = new RouterMetrics()
  const runtime = await buildRuntime(parseConfigText(yaml), {
    log,
    metrics,
    state: testState(),
    ...options,
  })
  return {
    runtime,
    metrics,
    logs: capture.lines,
    events: (name) => capture.lines.filter((l) => l.event === name),
    metricsText: () => metrics.registry.metrics(),
  }
}

let counter = 0
export function meta(overrides: Partial<RequestMeta> = {}): RequestMeta {
  counter++
  return { ...localRequestMeta(`test-${counter}`), ...overrides }
}

export function chatBody(content: string, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content }], ...extra }),
  )
}
