/**
 * Debian's Prometheus for the deployment tests: started on loopback on a free port, scraping the
 * router as job semantic-router every second, queried through its HTTP API, stopped by pid.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { freePort, launch, type Running } from '../helpers/processes.js'

export interface PrometheusProcess extends Running {
  readonly url: string
  query(expr: string): Promise<PromResult>
  close(): Promise<void>
}

export interface PromSample {
  metric: Record<string, string>
  value: [number, string]
}

export type PromResult =
  | {
      status: 'success'
      data:
        | { resultType: 'vector'; result: PromSample[] }
        | { resultType: 'scalar'; result: [number, string] }
    }
  | { status: 'error'; errorType: string; error: string }

/** Debian's prometheus scraping `target` (host:port) as job semantic-router every second. */
export async function startPrometheus(
  binary: string,
  target: string,
  ruleFiles: readonly string[] = [],
): Promise<PrometheusProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'sr-prom-'))
  const port = await freePort()
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: [...ruleFiles],
    scrape_configs: [{ job_name: 'semantic-router', static_configs: [{ targets: [target] }] }],
  }
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config))
  const run = launch(binary, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ])
  const url = `http://127.0.0.1:${port}`
  const close = async (): Promise<void> => {
    await run.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break
    } catch {
      // not listening yet
    }
    if (run.child.exitCode !== null || Date.now() > deadline) {
      await close()
      throw new Error(`prometheus did not start:\n${run.output.join('\n')}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return Object.assign(run, {
    url,
    close,
    async query(expr: string): Promise<PromResult> {
      const response = await fetch(
        `${url}/api/v1/query?${new URLSearchParams({ query: expr }).toString()}`,
      )
      return (await response.json()) as PromResult
    },
  })
}

/** Wait until `expr` returns at least one sample whose value passes `accept`. */
export async function waitForQuery(
  prom: PrometheusProcess,
  expr: string,
  accept: (v: number) => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const r = await prom.query(expr)
    if (
      r.status === 'success' &&
      r.data.resultType === 'vector' &&
      r.data.result.some((s) => accept(Number(s.value[1])))
    )
      return
    if (Date.now() > deadline) throw new Error(`${expr} never satisfied: ${JSON.stringify(r)}`)
    await new Promise((res) => setTimeout(res, 200))
  }
}
