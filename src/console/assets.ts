/**
 * The console's front end: the files under `ui/` (HTML, ES modules, CSS, SVG), read once when the
 * router starts and served from memory with an ETag. No CDN, no build step, nothing fetched from
 * anywhere but the router itself.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'

/** `ui/` next to `src/` (and next to `dist/` in the container image). */
export const UI_DIR = join(import.meta.dirname, '..', '..', 'ui')

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
}

export interface Asset {
  readonly body: Buffer
  readonly type: string
  readonly etag: string
}

/**
 * Every servable file under `dir`, keyed by its path below it (`js/main.js`). A package without
 * `ui/` still routes; its console answers 404.
 */
export function loadAssets(dir: string = UI_DIR): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>()
  if (!existsSync(dir)) return assets
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name)
      if (entry.isDirectory()) walk(path)
      else {
        const type = TYPES[extname(entry.name)]
        if (type === undefined) continue
        const body = readFileSync(path)
        const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`
        assets.set(relative(dir, path).split(sep).join('/'), { body, type, etag })
      }
    }
  }
  walk(dir)
  return assets
}
