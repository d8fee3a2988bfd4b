/**
 * The Prometheus scrape endpoint (default port 9190): `GET /metrics` in the text exposition format,
 * plus `GET /health` for probes. Its own listener so scrapes never queue behind LLM traffic.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Listening } from '../http/listen.js'
import { sendJson } from '../http/respond.js'
import { HttpListener } from '../http/server.js'
import { logEvent, type Logger } from '../log.js'
import type { RouterMetrics } from './router-metrics.js'

export class MetricsServer {
  private readonly listener: HttpListener
  private readonly metrics: RouterMetrics
  private readonly log: Logger

  /**
   * `token`: the bearer token `/metrics` requires now (`security.auth.metrics_token_file`), or
   * undefined when scrapes are open; asked per scrape so a new token applies at once.
   */
  constructor(
    metrics: RouterMetrics,
    log: Logger,
    token: () => string | undefined = () => undefined,
  ) {
    this.metrics = metrics
    this.log = log
    const timeouts = { requestTimeoutMs: 10_000, headersTimeoutMs: 10_000 }
    this.listener = new HttpListener(timeouts, (req, res) => {
      const path = (req.url ?? '/').split('?')[0]
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res
          .writeHead(405, { allow: 'GET', 'content-type': 'text/plain' })
          .end('method not allowed\n')
      } else if (path === '/metrics' && !bearerMatches(req.headers.authorization, token())) {
        res
          .writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'text/plain' })
          .end('a bearer token is required\n')
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

/** No token configured: open. Otherwise `Bearer <token>`, compared in constant time. */
function bearerMatches(header: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  if (!match || token === '') return false
  const digest = (s: string) => createHash('sha256').update(s).digest()
  return timingSafeEqual(digest(match[1]!), digest(token))
}
