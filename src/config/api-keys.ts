/**
 * API keys the router accepts (`security.auth.keys_file`): only SHA-256 digests are stored, never
 * keys. Each key has an id (logs, metrics, limits), an optional tenant, the models it may ask for
 * and whether it may call admin routes. The file is YAML or JSON:
 *
 *   keys:
 *     - id: team-a
 *       sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 *       tenant: research
 *       models: [qwen3-8b]
 *       admin: false
 */
import { createHash } from 'node:crypto'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { WatchedFile } from './watched-file.js'

const keySchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:@-]+$/, 'letters, digits and ._:@- only'),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'the hex SHA-256 digest of the key')
    .transform((h) => h.toLowerCase()),
  tenant: z.string().min(1).max(64).optional(),
  models: z.array(z.string().min(1)).optional(),
  admin: z.boolean().default(false),
})

const keysFileSchema = z.strictObject({ keys: z.array(keySchema) })

export interface ApiKeyRecord {
  readonly id: string
  readonly tenant: string | undefined
  /** Models the key may ask for; undefined = every model. */
  readonly models: ReadonlySet<string> | undefined
  readonly admin: boolean
}

export function keyDigest(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

/** Parse a keys file's text into digest → record (throws with the first problem). */
export function parseKeysFile(text: string): ReadonlyMap<string, ApiKeyRecord> {
  const raw: unknown = parseYaml(text)
  const parsed = keysFileSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new Error(`keys file: ${issue.path.join('.') || '(root)'}: ${issue.message}`)
  }
  const out = new Map<string, ApiKeyRecord>()
  const ids = new Set<string>()
  for (const k of parsed.data.keys) {
    if (ids.has(k.id)) throw new Error(`keys file: id ${k.id} appears twice`)
    ids.add(k.id)
    out.set(k.sha256, {
      id: k.id,
      tenant: k.tenant,
      models: k.models === undefined ? undefined : new Set(k.models),
      admin: k.admin,
    })
  }
  return out
}

/** The keys file, re-read when it changes; a bad new file keeps the last good keys. */
export class ApiKeyRing {
  private readonly file: WatchedFile<ReadonlyMap<string, ApiKeyRecord>>

  constructor(
    path: string,
    intervalMs: number,
    events: { onReload?: (count: number) => void; onError?: (err: Error) => void } = {},
  ) {
    this.file = new WatchedFile({
      path,
      intervalMs,
      parse: parseKeysFile,
      ...(events.onReload ? { onReload: (keys) => events.onReload?.(keys.size) } : {}),
      ...(events.onError ? { onError: events.onError } : {}),
    })
  }

  /** The record of a presented key, or undefined (also when the file never loaded). */
  lookup(key: string): ApiKeyRecord | undefined {
    return this.file.value?.get(keyDigest(key))
  }

  get size(): number {
    return this.file.value?.size ?? 0
  }

  refresh(): void {
    this.file.refresh()
  }

  close(): void {
    this.file.close()
  }
}
