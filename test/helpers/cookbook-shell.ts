/**
 * The shell a cookbook reader types, as far as the recipes use it: one `curl` command, optionally
 * run in a `for i in $(seq N); do … done` loop and piped through `sort`, `uniq -c`, `grep`,
 * `head`/`tail` or `wc -l`. The harness (cookbook.ts) sends the requests itself; this module reads
 * the command and prints what curl and the pipes would print. Loops: `for i in $(seq 1 N)` or over
 * words, `for q in "first question" "second"`.
 */
import assert from 'node:assert/strict'

/** The one expansion the cookbook uses for long prompts: `$(printf 'text %.0s' {1..N})`. */
const REPEAT = /\$\(printf '([^']*)%\.0s' \{1\.\.(\d+)\}\)/g

/** `$name` / `${name}` outside single quotes, from `vars` (a loop's variable); others are kept. */
function expand(text: string, vars: Record<string, string>): string {
  return text.replace(/\$(?:\{(\w+)\}|(\w+))/g, (all, braced?: string, bare?: string) => {
    const value = vars[(braced ?? bare)!]
    return value ?? all
  })
}

/** Shell words of one command: quotes, backslash escapes, line continuations, REPEAT, `$i`. */
export function shellWords(source: string, vars: Record<string, string> = {}): string[] {
  const command = source.replace(REPEAT, (_all, text: string, n: string) => text.repeat(Number(n)))
  const words: string[] = []
  let word: string | undefined
  let i = 0
  const push = (c: string) => (word = (word ?? '') + c)
  while (i < command.length) {
    const c = command[i]!
    if (c === '\\' && command[i + 1] === '\n') i += 2
    else if (c === '\\') {
      push(command[i + 1] ?? '')
      i += 2
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1)
      assert.ok(end > i, 'unterminated single quote')
      push(command.slice(i + 1, end))
      i = end + 1
    } else if (c === '"') {
      i++
      let text = ''
      while (i < command.length && command[i] !== '"') {
        if (command[i] === '\\' && '"\\$`'.includes(command[i + 1] ?? '')) i++
        else if (command[i] === '$') {
          const m = /^\$(?:\{\w+\}|\w+)/.exec(command.slice(i))
          if (m) {
            text += expand(m[0], vars)
            i += m[0].length
            continue
          }
        }
        text += command[i]
        i++
      }
      push(text)
      i++
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word)
      word = undefined
      i++
    } else if (c === '$' && /^\$(?:\{\w+\}|\w+)/.test(command.slice(i))) {
      const m = /^\$(?:\{\w+\}|\w+)/.exec(command.slice(i))!
      push(expand(m[0], vars))
      i += m[0].length
    } else {
      push(c)
      i++
    }
  }
  if (word !== undefined) words.push(word)
  return words
}

export interface CurlRequest {
  readonly port: number
  readonly path: string
  readonly method: string
  readonly headers: Record<string, string>
  readonly body: string | undefined
  /** What curl prints besides the body: `-D -`/`-i` headers, `-o /dev/null`, `-w` format. */
  readonly printHeaders: boolean
  readonly printBody: boolean
  readonly writeOut: string | undefined
}

/** The request a `curl` command sends (the options the cookbook uses). */
export function parseCurl(command: string, vars: Record<string, string> = {}): CurlRequest {
  const words = shellWords(command, vars)
  assert.equal(words[0], 'curl', `a request is one curl command: ${command}`)
  const headers: Record<string, string> = {}
  let url: URL | undefined
  let body: string | undefined
  let method: string | undefined
  let printHeaders = false
  let printBody = true
  let writeOut: string | undefined
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!
    if (w === '-H') {
      const h = words[++i]!
      headers[h.slice(0, h.indexOf(':')).trim().toLowerCase()] = h.slice(h.indexOf(':') + 1).trim()
    } else if (w === '-d' || w === '--data') body = words[++i]
    else if (w === '-X') method = words[++i]
    else if (w === '-o') printBody = words[++i] !== '/dev/null'
    else if (w === '-D') printHeaders = words[++i] === '-'
    else if (w === '-w') writeOut = words[++i]
    else if (w === '-i') printHeaders = true
    else if (w.startsWith('http://')) url = new URL(w)
    else assert.ok(['-s', '-sN', '-N'].includes(w), `curl option ${w} is not understood`)
  }
  assert.ok(url, `curl command without a URL: ${command}`)
  assert.equal(url.hostname, '127.0.0.1')
  return {
    port: Number(url.port),
    path: url.pathname + url.search,
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    printHeaders,
    printBody,
    writeOut,
  }
}

/** A request block: one curl, maybe in a loop, maybe piped. */
export interface ShellCommand {
  readonly curl: string
  /** The loop variable and its values (`for i in $(seq 1 20)`), or none. */
  readonly loop?: { readonly name: string; readonly values: readonly string[] }
  readonly pipes: readonly string[]
}

/** Split at `|` outside quotes (and not `||`). */
function splitPipes(text: string): string[] {
  const parts: string[] = []
  let quote: string | undefined
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quote) {
      if (c === '\\' && quote === '"') i++
      else if (c === quote) quote = undefined
    } else if (c === '\\') i++
    else if (c === "'" || c === '"') quote = c
    else if (c === '|' && text[i + 1] !== '|' && text[i - 1] !== '|') {
      parts.push(text.slice(start, i))
      start = i + 1
    }
  }
  parts.push(text.slice(start))
  return parts.map((p) => p.trim())
}

const LOOP = /^for (\w+) in ([\s\S]+?); do\s+([\s\S]*?);?\s+done$/
const SEQ = /^\$\(seq (?:(\d+) )?(\d+)\)$/

export function parseCommand(source: string): ShellCommand {
  const [first, ...pipes] = splitPipes(source.replace(/\\\n/g, ' ').trim())
  const loop = LOOP.exec(first!)
  if (!loop) return { curl: first!, pipes }
  const seq = SEQ.exec(loop[2]!.trim())
  let values: string[]
  if (seq) {
    const [from, to] = [Number(seq[1] ?? 1), Number(seq[2])]
    assert.ok(to - from < 1000, 'a cookbook loop sends at most 1000 requests')
    values = Array.from({ length: Math.max(0, to - from + 1) }, (_, k) => String(from + k))
  } else values = shellWords(loop[2]!)
  assert.ok(values.length <= 1000, 'a cookbook loop sends at most 1000 requests')
  return { curl: loop[3]!.trim(), loop: { name: loop[1]!, values }, pipes }
}

/** What the client got back, as curl sees it. */
export interface CurlResult {
  readonly status: number
  readonly header: (name: string) => string | undefined
  readonly headerLines: readonly string[]
  readonly text: string
}

/** What curl prints for one request: headers (-i / -D -), the body unless -o, then -w. */
export function curlOutput(request: CurlRequest, got: CurlResult): string {
  let out = ''
  if (request.printHeaders)
    out += [`HTTP/1.1 ${got.status}`, ...got.headerLines].join('\r\n') + '\r\n\r\n'
  if (request.printBody) out += got.text
  if (request.writeOut !== undefined)
    out += request.writeOut
      .replace(/%\{(?:http_code|response_code)\}/g, String(got.status))
      .replace(/%header\{([^}]+)\}/g, (_all, name: string) => got.header(name.toLowerCase()) ?? '')
      .replace(/\\n/g, '\n')
      .replace(/\\t/g, '\t')
  return out
}

/** Run the pipes the cookbook uses over printed text. */
export function applyPipes(text: string, pipes: readonly string[]): string {
  let lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  for (const pipe of pipes) {
    const words = shellWords(pipe)
    const [cmd, ...args] = words
    if (cmd === 'sort') lines = [...lines].sort()
    else if (cmd === 'uniq' && args[0] === '-c') lines = countRuns(lines)
    else if (cmd === 'uniq') lines = countRuns(lines).map((l) => l.replace(/^\s*\d+ /, ''))
    else if (cmd === 'wc' && args[0] === '-l') lines = [String(lines.length)]
    else if ((cmd === 'head' || cmd === 'tail') && args[0] === '-n') {
      const n = Number(args[1])
      lines = cmd === 'head' ? lines.slice(0, n) : lines.slice(-n)
    } else if (cmd === 'grep') {
      const invert = args.includes('-v')
      const pattern = args.filter((a) => !a.startsWith('-')).at(0)
      assert.ok(pattern !== undefined, `grep without a pattern: ${pipe}`)
      const re = new RegExp(args.includes('-E') ? pattern : escapeBasic(pattern))
      lines = lines.filter((l) => re.test(l) !== invert)
    } else assert.fail(`pipe "${pipe}" is not understood (sort, uniq [-c], grep [-E] [-v], ...)`)
  }
  return lines.join('\n')
}

/** Basic grep patterns: only `.`, `*`, `^`, `$` and `[...]` are special. */
function escapeBasic(pattern: string): string {
  return pattern.replace(/[+?(){}|]/g, '\\$&')
}

function countRuns(lines: readonly string[]): string[] {
  const out: [number, string][] = []
  for (const line of lines) {
    const last = out.at(-1)
    if (last && last[1] === line) last[0]++
    else out.push([1, line])
  }
  return out.map(([n, line]) => `${String(n).padStart(7)} ${line}`)
}

/**
 * The printed text matches a `text output` block line by line, spaces at either end ignored;
 * `...` stands for any text and `[a-b]` for any whole number from a to b (a random split's count).
 */
export function assertOutput(actual: string, expected: string, where: string): void {
  const got = actual.split('\n').map((l) => l.trim())
  const want = expected.trim().split('\n')
  assert.equal(got.length, want.length, `${where}: ${want.length} lines printed, got:\n${actual}`)
  want.forEach((line, i) => {
    const ranges: [number, number][] = []
    const source = line
      .trim()
      .split(/(\.\.\.|\[\d+-\d+\])/)
      .map((part) => {
        if (part === '...') return '.*'
        const range = /^\[(\d+)-(\d+)\]$/.exec(part)
        if (!range) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        ranges.push([Number(range[1]), Number(range[2])])
        return '(\\d+)'
      })
      .join('')
    const m = new RegExp(`^${source}$`).exec(got[i]!)
    assert.ok(m, `${where}: line ${i + 1} is "${got[i]}", expected "${line.trim()}"`)
    ranges.forEach(([lo, hi], k) => {
      const n = Number(m[k + 1])
      assert.ok(n >= lo && n <= hi, `${where}: line ${i + 1}: ${n} is not in ${lo}-${hi}`)
    })
  })
}
