/**
 * The Prometheus scrape endpoint (default port 9190): `GET /metrics` in the text exposition format,
 * plus `GET /health` for probes. Its own listener so scrapes never queue behind LLM traffic.
 */
import type { Listening } from '../http/listen.js'
import { sendJson } from '../http/respond.js'
import { HttpListener } from '../http/server.js'
import { logEvent, type Logger } from '../log.js'
import type { RouterMetrics } from './router-metrics.js'

export class MetricsServer {
  private readonly listener: HttpListener
  private readonly metrics: RouterMetrics
  private readonly log: Logger

  constructor(metrics: RouterMetrics, log: Logger) {
    this.metrics = metrics
    this.log = log
    const timeouts = { requestTimeoutMs: 10_000, headersTimeoutMs: 10_000 }
    this.listener = new HttpListener(timeouts, (req, res) => {
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
        sendJson(res, 200, '{"status":"healthy"}', {})
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; try /metrics\n')
      }
    })
  }

  listen(port: number, host: string): Promise<Listening> {
    return this.listener.listen(port, host)
  }

  /** Scrapes are short and retried: no grace, open connections are closed at once. */
  close(): Promise<void> {
    return this.listener.close(0)
  }
}
