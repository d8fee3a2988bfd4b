/**
 * Secret redaction for anything that shows or logs a config: the console's config view, /info
 * endpoints, log lines. One rule everywhere, decided by key name and by value shape:
 *
 * - a key whose name says it holds a secret (`password`, `*_password`, `secret`, `*_secret`,
 *   `token`, `*_token`, `api_key`, `access_key`, `secret_key`, `private_key`, `client_secret`,
 *   `credentials`, `authorization`, `cookie`, ... in snake_case, camelCase or kebab-case) has its
 *   value replaced, whatever the value is (a nested object is replaced whole);
 * - a key that only says *where* a secret is (`*_env`, `*_file`, `*_path`) is kept: it names an
 *   environment variable or a file, not the secret;
 * - any string that contains a URL or DSN with a password (`postgres://user:pass@host/db`) keeps
 *   everything but the password, and URL query parameters with secret names (`?api_key=...`) lose
 *   their values.
 *
 * Counts such as `max_tokens` are not secrets (the last word must be exactly a secret word), nor
 * are header *names* such as `auth_header: X-API-Key` or a signal's `key: cohort`.
 */
import { isScalar, parseDocument, visit } from 'yaml'

export const REDACTED = '[redacted]'

/** Last word of a key that makes it a secret (`db_password`, `authToken`). */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'credential',
  'credentials',
  'authorization',
  'cookie',
  'apikey',
  'dsn',
])

/** Last two words that make a key a secret (`api_key`, `X-Access-Key`, `privateKey`). */
const SECRET_PAIRS = new Set([
  'api key',
  'access key',
  'secret key',
  'private key',
  'signing key',
  'encryption key',
  'master key',
  'admin key',
  'client secret',
  'session id',
])

/** Last words that say where a secret is, not what it is. */
const LOCATION_WORDS = new Set(['env', 'file', 'path', 'prefix', 'header', 'name', 'id'])

/** `db_password` → ['db', 'password']; `authToken` → ['auth', 'token']; `X-API-Key` → ['x','api','key']. */
function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '')
}

/** Does a key with this name hold a secret? */
export function isSecretKey(key: string): boolean {
  const w = words(key)
  const last = w.at(-1)
  if (last === undefined) return false
  if (LOCATION_WORDS.has(last) && w.length > 1) return false
  if (SECRET_WORDS.has(last)) return true
  if (w.length >= 2 && SECRET_PAIRS.has(`${w.at(-2)} ${last}`)) return true
  // `apikey`, `accesskey`, `x-apikey` written as one word.
  return /(api|access|secret|private|admin)key$/.test(w.join(''))
}

/** `scheme://user:password@` — the password is group 2. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@?#]*:)([^\s@/?#]+)@/gi
/** `?name=value` / `&name=value` in a URL. */
const QUERY_PARAM = /([?&])([^=&#\s]+)=([^&#\s]*)/g
/** `password=... ` pairs in a libpq keyword/value DSN (`host=db password=secret`). */
const KEYWORD_DSN = /\b(password|passwd|sslpassword)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/gi

/** A string with passwords removed from any URL, DSN or secret query parameter in it. */
export function redactString(value: string): string {
  if (!/[:=@]/.test(value)) return value
  let out = value.replace(URL_USERINFO, (_m, head: string) => `${head}${REDACTED}@`)
  if (out.includes('://'))
    out = out.replace(QUERY_PARAM, (m, sep: string, name: string) =>
      isSecretKey(decodeSafe(name)) ? `${sep}${name}=${REDACTED}` : m,
    )
  return out.replace(KEYWORD_DSN, (_m, name: string) => `${name}=${REDACTED}`)
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/**
 * A deep copy of a config (or any JSON-like value) with every secret replaced by `[redacted]`.
 * Empty secrets stay empty (so "no password set" is still visible); the input is not modified.
 */
export function redactConfig<T>(value: T): T {
  return redactValue(value, 0) as T
}

const MAX_DEPTH = 64

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactString(value)
  if (value === null || typeof value !== 'object') return value
  if (depth > MAX_DEPTH) return REDACTED
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    out[key] = isSecretKey(key) ? redactSecret(v) : redactValue(v, depth + 1)
  }
  return out
}

function redactSecret(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return value
  return REDACTED
}

/**
 * YAML text with every secret value replaced, keeping the layout and comments (what an operator
 * wrote, minus the secrets). Text that does not parse is not shown at all.
 */
export function redactConfigText(text: string): string {
  const doc = parseDocument(text, { version: '1.1', keepSourceTokens: false })
  if (doc.errors.length > 0) return `# ${REDACTED}: the file does not parse as YAML\n`
  visit(doc, {
    Pair(_key, pair) {
      const key = isScalar(pair.key) ? String(pair.key.value) : ''
      if (!isSecretKey(key)) return undefined
      if (isScalar(pair.value)) {
        const v = pair.value.value
        if (v !== null && v !== '') pair.value.value = REDACTED
      } else if (pair.value !== null) {
        pair.value = doc.createNode(REDACTED)
      }
      return visit.SKIP
    },
    Scalar(_key, node) {
      if (typeof node.value === 'string') node.value = redactString(node.value)
    },
  })
  return doc.toString({ lineWidth: 0 }).split('\n').map(redactCommentLine).join('\n')
}

/** `# api_key: sk-...` — a commented-out secret is still a secret. */
const COMMENTED_PAIR = /^(\s*#+\s*(?:-\s+)?)([\w.-]+)(\s*:\s*)(\S.*)$/

function redactCommentLine(line: string): string {
  const m = COMMENTED_PAIR.exec(line)
  if (!m) return line.trimStart().startsWith('#') ? redactString(line) : line
  const [, head, key, colon] = m
  return isSecretKey(key!) ? `${head}${key}${colon}${REDACTED}` : redactString(line)
}
