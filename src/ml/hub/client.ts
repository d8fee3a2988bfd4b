/**
 * A Hugging Face hub client for `semantic-router models pull`: the hub's file-download protocol as
 * the official clients use it, and nothing else.
 *
 *   GET  {endpoint}/api/models/{repo}/revision/{revision}      → {sha, siblings:[{rfilename}]}
 *   HEAD {endpoint}/{repo}/resolve/{revision}/{file}           → X-Repo-Commit, ETag or (LFS files)
 *        X-Linked-Etag (the sha256) + X-Linked-Size, and a redirect to the storage URL
 *   GET  the same URL (redirects followed), with `Range: bytes=N-` to resume a partial download
 *
 * Downloads go to `<file>.incomplete` and are renamed only after their size and (for LFS files)
 * sha256 check out; an interrupted pull resumes where it stopped. The Authorization header (HF_TOKEN)
 * is sent to the hub only, never to the storage host a redirect points at.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs'
import { dirname } from 'node:path'
import { Readable } from 'node:stream'
import { RouterError } from '../../errors.js'
import { sha256File } from './lock.js'

export interface HubOptions {
  /** Default: $HF_ENDPOINT or https://huggingface.co */
  readonly endpoint?: string
  /** Default: $HF_TOKEN */
  readonly token?: string
  readonly timeoutMs?: number
}

export interface RepoInfo {
  /** The commit the revision resolves to. */
  readonly sha: string
  readonly files: readonly string[]
}

export interface FileMeta {
  readonly commit: string
  /** sha256 for LFS files (X-Linked-Etag), else null (a git blob id is not a sha256 of the file). */
  readonly sha256: string | null
  readonly size: number | null
  readonly url: string
}

const MAX_REDIRECTS = 5

function failed(message: string, cause?: unknown): RouterError {
  return new RouterError('model_download_failed', message, cause === undefined ? {} : { cause })
}

export class HubClient {
  readonly endpoint: string
  private readonly token: string | undefined
  private readonly timeoutMs: number

  constructor(options: HubOptions = {}) {
    this.endpoint = (
      options.endpoint ??
      process.env['HF_ENDPOINT'] ??
      'https://huggingface.co'
    ).replace(/\/+$/, '')
    this.token = options.token ?? process.env['HF_TOKEN']
    this.timeoutMs = options.timeoutMs ?? 60_000
  }

  private headers(url: string, extra: Record<string, string> = {}): Record<string, string> {
    const sameHost = new URL(url).host === new URL(this.endpoint).host
    return {
      'user-agent': 'semantic-router-ts',
      ...(this.token && sameHost ? { authorization: `Bearer ${this.token}` } : {}),
      ...extra,
    }
  }

  private async request(
    url: string,
    init: { method: string; headers?: Record<string, string> },
  ): Promise<Response> {
    let current = url
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      let res: Response
      try {
        res = await fetch(current, {
          method: init.method,
          headers: this.headers(current, init.headers),
          redirect: 'manual',
          signal: AbortSignal.timeout(this.timeoutMs),
        })
      } catch (err) {
        throw failed(
          `cannot reach ${new URL(current).origin} (${(err as Error).message}); check HF_ENDPOINT and the network`,
          err,
        )
      }
      const location = res.headers.get('location')
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel()
        current = new URL(location, current).toString()
        continue
      }
      return res
    }
    throw failed(`too many redirects fetching ${url}`)
  }

  private static check(res: Response, what: string): void {
    if (res.ok || res.status === 206) return
    const hint =
      res.status === 401 || res.status === 403
        ? ' (gated or private repo: set HF_TOKEN)'
        : res.status === 404
          ? ' (check the repo id, revision and file name)'
          : ''
    throw failed(`${what}: HTTP ${res.status}${hint}`)
  }

  async repoInfo(repo: string, revision: string): Promise<RepoInfo> {
    const url = `${this.endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}`
    const res = await this.request(url, { method: 'GET' })
    HubClient.check(res, `${repo}@${revision}`)
    const body = (await res.json()) as { sha?: unknown; siblings?: { rfilename?: unknown }[] }
    if (typeof body.sha !== 'string' || !Array.isArray(body.siblings)) {
      throw failed(`${url} did not return a model description (sha, siblings)`)
    }
    return {
      sha: body.sha,
      files: body.siblings
        .map((s) => s.rfilename)
        .filter((f): f is string => typeof f === 'string'),
    }
  }

  fileUrl(repo: string, revision: string, file: string): string {
    return `${this.endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${file.split('/').map(encodeURIComponent).join('/')}`
  }

  /** HEAD without following the redirect: the hub's metadata lives on the first response. */
  async fileMeta(repo: string, revision: string, file: string): Promise<FileMeta> {
    const url = this.fileUrl(repo, revision, file)
    let res: Response
    try {
      res = await fetch(url, {
        method: 'HEAD',
        headers: this.headers(url),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      })
    } catch (err) {
      throw failed(
        `cannot reach ${this.endpoint} (${(err as Error).message}); check HF_ENDPOINT and the network`,
        err,
      )
    }
    if (!(res.status >= 300 && res.status < 400))
      HubClient.check(res, `${repo}/${file}@${revision}`)
    const unquote = (v: string | null): string | null =>
      v === null ? null : v.replace(/^W\//, '').replace(/"/g, '')
    const linked = unquote(res.headers.get('x-linked-etag'))
    const size = res.headers.get('x-linked-size') ?? res.headers.get('content-length')
    return {
      commit: res.headers.get('x-repo-commit') ?? '',
      sha256: linked !== null && /^[0-9a-f]{64}$/.test(linked) ? linked : null,
      size: size === null ? null : Number(size),
      url,
    }
  }

  /**
   * Download one file to `dest`, resuming `<dest>.incomplete` with an HTTP Range request. Verifies
   * the size and (LFS) sha256; returns the file's sha256.
   */
  async download(
    meta: FileMeta,
    dest: string,
    onProgress?: (bytes: number) => void,
  ): Promise<string> {
    mkdirSync(dirname(dest), { recursive: true })
    const partial = `${dest}.incomplete`
    let have = existsSync(partial) ? statSync(partial).size : 0
    if (meta.size !== null && have > meta.size) {
      rmSync(partial)
      have = 0
    }
    if (meta.size === null || have < meta.size) {
      const res = await this.request(meta.url, {
        method: 'GET',
        headers: have > 0 ? { range: `bytes=${have}-` } : {},
      })
      HubClient.check(res, meta.url)
      const append = res.status === 206 && have > 0
      if (!append) have = 0
      if (!res.body) throw failed(`${meta.url} sent no body`)
      // Each chunk is written synchronously as it arrives, so whatever was received before an
      // interruption is on disk for the next run to resume from.
      const fd = openSync(partial, append ? 'a' : 'w')
      let seen = have
      try {
        for await (const chunk of Readable.fromWeb(res.body)) {
          writeSync(fd, chunk as Buffer)
          seen += (chunk as Buffer).length
          onProgress?.(seen)
        }
      } catch (err) {
        throw failed(
          `download of ${meta.url} was interrupted after ${seen} bytes; run the same command again to resume`,
          err,
        )
      } finally {
        closeSync(fd)
      }
    }
    const size = statSync(partial).size
    if (meta.size !== null && size !== meta.size) {
      throw failed(
        `${meta.url}: got ${size} bytes, expected ${meta.size}; run the same command again to resume`,
      )
    }
    const sha256 = await sha256File(partial)
    if (meta.sha256 !== null && sha256 !== meta.sha256) {
      rmSync(partial)
      throw failed(
        `${meta.url}: sha256 ${sha256} does not match the hub's ${meta.sha256}; the partial file was removed, run again`,
      )
    }
    renameSync(partial, dest)
    return sha256
  }
}
