/**
 * A local stand-in for the Hugging Face hub (unreachable here) that speaks its real file-download
 * protocol: the revision API, `resolve` URLs with X-Repo-Commit / ETag / X-Linked-Etag /
 * X-Linked-Size headers, 302 redirects of LFS files to a storage host path, and HTTP Range on
 * storage downloads. Knobs let tests cut a download midway, gate a repo behind a token, and move a
 * branch to a new commit.
 */
import { createHash } from 'node:crypto'
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'

interface Commit {
  readonly files: Map<string, Buffer>
}

interface Repo {
  readonly commits: Map<string, Commit>
  readonly refs: Map<string, string>
  gatedToken?: string
}

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const gitBlobId = (b: Buffer): string =>
  createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex')
const isLfs = (path: string): boolean => path.endsWith('.onnx') || path.endsWith('.onnx_data')

export class FakeHub {
  readonly repos = new Map<string, Repo>()
  readonly requests: RecordedRequest[] = []
  /** Cut the next storage download after this many bytes. */
  cutNextDownloadAfter: number | null = null
  private server: Server | null = null
  private storage: Server | null = null
  url = ''
  /** The storage host LFS redirects point at (another origin, as on the real hub). */
  storageUrl = ''
  private commitCounter = 0

  addCommit(repo: string, files: Record<string, Buffer>, branch = 'main'): string {
    const r = this.repos.get(repo) ?? { commits: new Map(), refs: new Map() }
    this.repos.set(repo, r)
    const sha = createHash('sha1').update(`${repo}:${++this.commitCounter}`).digest('hex')
    r.commits.set(sha, { files: new Map(Object.entries(files)) })
    r.refs.set(branch, sha)
    return sha
  }

  gate(repo: string, token: string): void {
    this.repos.get(repo)!.gatedToken = token
  }

  private resolve(repo: string, rev: string): Commit | undefined {
    const r = this.repos.get(repo)
    if (!r) return undefined
    return r.commits.get(r.refs.get(rev) ?? rev)
  }

  private commitId(repo: string, rev: string): string {
    const r = this.repos.get(repo)!
    return r.refs.get(rev) ?? rev
  }

  async start(): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      const url = new URL(req.url ?? '/', 'http://x')
      const path = decodeURIComponent(url.pathname)
      this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers })
      const json = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
      }
      const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(path)
      const resolveFile = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path)
      const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(path)
      const repoName = api?.[1] ?? resolveFile?.[1]
      if (repoName) {
        const repo = this.repos.get(repoName)
        if (repo?.gatedToken && req.headers.authorization !== `Bearer ${repo.gatedToken}`) {
          json(401, { error: 'Access to this model is restricted' })
          return
        }
      }
      if (api) {
        const commit = this.resolve(api[1]!, api[2]!)
        if (!commit) return json(404, { error: 'Repository not found' })
        return json(200, {
          id: api[1],
          sha: this.commitId(api[1]!, api[2]!),
          siblings: [...commit.files.keys()].map((rfilename) => ({ rfilename })),
        })
      }
      if (resolveFile) {
        const commit = this.resolve(resolveFile[1]!, resolveFile[2]!)
        const data = commit?.files.get(resolveFile[3]!)
        if (!commit || !data) return json(404, { error: 'Entry not found' })
        const headers: Record<string, string> = {
          'x-repo-commit': this.commitId(resolveFile[1]!, resolveFile[2]!),
        }
        if (isLfs(resolveFile[3]!)) {
          const digest = sha256(data)
          res.writeHead(302, {
            ...headers,
            etag: `"${digest}"`,
            'x-linked-etag': `"${digest}"`,
            'x-linked-size': String(data.length),
            location: `${this.storageUrl}/cdn/${digest}`,
          })
          res.end()
          return
        }
        res.writeHead(200, {
          ...headers,
          etag: `"${gitBlobId(data)}"`,
          'content-length': data.length,
        })
        res.end(req.method === 'HEAD' ? undefined : data)
        return
      }
      if (cdn) {
        const data = [...this.repos.values()]
          .flatMap((r) => [...r.commits.values()])
          .flatMap((c) => [...c.files.values()])
          .find((b) => sha256(b) === cdn[1])
        if (!data) return json(404, { error: 'no such object' })
        const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
        const start = range ? Number(range[1]) : 0
        const body = data.subarray(start)
        res.writeHead(range ? 206 : 200, {
          'content-length': body.length,
          'accept-ranges': 'bytes',
          ...(range ? { 'content-range': `bytes ${start}-${data.length - 1}/${data.length}` } : {}),
        })
        const cut = this.cutNextDownloadAfter
        if (cut !== null && req.method === 'GET') {
          this.cutNextDownloadAfter = null
          res.write(body.subarray(0, cut), () => res.destroy())
          return
        }
        res.end(req.method === 'HEAD' ? undefined : body)
        return
      }
      json(404, { error: 'not found' })
    }
    this.server = createServer(handler)
    this.storage = createServer(handler)
    for (const s of [this.server, this.storage]) {
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
    }
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    this.storageUrl = `http://127.0.0.1:${(this.storage.address() as AddressInfo).port}`
    return this.url
  }

  async close(): Promise<void> {
    for (const s of [this.server, this.storage]) {
      await new Promise<void>((r) => {
        s?.closeAllConnections()
        if (s) s.close(() => r())
        else r()
      })
    }
  }
}
