/**
 * The Prometheus scrape endpoint (default port 9190): `GET /metrics` in the text exposition format,
 * plus `GET /health` for probes. Its own listener so scrapes never queue behind LLM traffic.
 */
import { createServer, type Server } from 'node:http'
import { listen, type Listening } from '../http/listen.js'
import { logEvent, type Logger } from '../log.js'
import type { RouterMetrics } from './router-metrics.js'

export class MetricsServer {
  readonly server: Server
  private readonly metrics: RouterMetrics
  private readonly log: Logger

  constructor(metrics: RouterMetrics, log: Logger) {
    this.metrics = metrics
    this.log = log
    this.server = createServer({ requestTimeout: 10_000, headersTimeout: 10_000 }, (req, res) => {
      const path = (req.url ?? '/').split('?')[0]
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res
          .writeHead(405, { allow: 'GET', 'content-type': 'text/plain' })
          .end('method not allowed\n')
      } else if (path === '/metrics') {
        this.metrics.registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': this.metrics.registry.contentType })
            res.end(req.method === 'HEAD' ? undefined : text)
          },
          (err: unknown) => {
            logEvent(this.log, 'metrics_scrape_failed', { error: String(err) }, 'error')
            res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed\n')
          },
        )
      } else if (path === '/health') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}')
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; try /metrics\n')
      }
    })
  }

  listen(port: number, host: string): Promise<Listening> {
    return listen(this.server, port, host)
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
  }
}
