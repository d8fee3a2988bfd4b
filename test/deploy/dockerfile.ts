/**
 * A small Dockerfile and .dockerignore reader for the container tests: enough of the syntax to
 * know what each stage copies, runs and exposes (line continuations, exec-form JSON, ENV k=v,
 * COPY --from), and the .dockerignore matching rules of the Docker CLI (Go filepath.Match
 * patterns plus `**`, `!` exceptions, last match wins, a match on a parent directory counts).
 */

export interface Instruction {
  readonly keyword: string
  readonly args: string
}

export interface Copy {
  readonly from?: string
  readonly sources: readonly string[]
  readonly dest: string
}

export interface Stage {
  readonly image: string
  readonly name?: string
  readonly instructions: Instruction[]
  readonly copies: Copy[]
  readonly env: Record<string, string>
  workdir: string
  user?: string
  entrypoint?: string[]
  cmd?: string[]
  healthcheck?: string[]
  expose: number[]
}

function logicalLines(text: string): string[] {
  const lines: string[] = []
  let current = ''
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd()
    if (current === '' && /^\s*#/.test(line)) continue
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' '
      continue
    }
    current += line
    if (current.trim() !== '') lines.push(current.trim())
    current = ''
  }
  return lines
}

function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args)
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string'))
    throw new Error(`not an exec-form JSON array: ${args}`)
  return parsed
}

function parseCopy(args: string): Copy {
  const words = args.split(/\s+/)
  let from: string | undefined
  const rest: string[] = []
  for (const w of words) {
    if (w.startsWith('--from=')) from = w.slice('--from='.length)
    else if (!w.startsWith('--')) rest.push(w)
  }
  const dest = rest.pop()
  if (dest === undefined || rest.length === 0)
    throw new Error(`COPY needs a source and a destination: ${args}`)
  return { ...(from === undefined ? {} : { from }), sources: rest, dest }
}

function parseEnv(args: string, env: Record<string, string>): void {
  for (const m of args.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
    const value = m[2]!
    env[m[1]!] = value.startsWith('"') ? (JSON.parse(value) as string) : value
  }
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = []
  const args: Record<string, string> = {}
  for (const line of logicalLines(text)) {
    const [, keyword = '', rest = ''] = /^(\w+)\s*(.*)$/.exec(line) ?? []
    const upper = keyword.toUpperCase()
    const expanded = rest.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? '')
    if (upper === 'ARG' && stages.length === 0) {
      const [name, value = ''] = rest.split('=')
      args[name!] = value
      continue
    }
    if (upper === 'FROM') {
      const [image = '', as, name] = expanded.split(/\s+/)
      stages.push({
        image,
        ...(as?.toUpperCase() === 'AS' && name ? { name } : {}),
        instructions: [],
        copies: [],
        env: {},
        workdir: '/',
        expose: [],
      })
      continue
    }
    const stage = stages.at(-1)
    if (!stage) throw new Error(`${upper} before FROM`)
    stage.instructions.push({ keyword: upper, args: expanded })
    if (upper === 'COPY') stage.copies.push(parseCopy(expanded))
    else if (upper === 'ADD') throw new Error('use COPY, not ADD')
    else if (upper === 'ENV') parseEnv(expanded, stage.env)
    else if (upper === 'WORKDIR') stage.workdir = expanded
    else if (upper === 'USER') stage.user = expanded
    else if (upper === 'ENTRYPOINT') stage.entrypoint = execForm(expanded)
    else if (upper === 'CMD') stage.cmd = execForm(expanded)
    else if (upper === 'EXPOSE') stage.expose.push(...expanded.split(/\s+/).map(Number))
    else if (upper === 'HEALTHCHECK') {
      const cmd = /CMD\s+(\[.*\])\s*$/.exec(expanded)
      if (!cmd) throw new Error(`HEALTHCHECK without an exec-form CMD: ${expanded}`)
      stage.healthcheck = execForm(cmd[1]!)
    }
  }
  return stages
}

/** Go filepath.Match (plus `**`) as a regular expression over slash-separated paths. */
function patternRegex(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '*' && pattern[i + 1] === '*') {
      i++
      if (pattern[i + 1] === '/') {
        i++
        re += '(?:.*/)?'
      } else {
        re += '.*'
      }
    } else if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

export class DockerIgnore {
  private readonly rules: { negate: boolean; re: RegExp }[]

  constructor(text: string) {
    this.rules = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => {
        const negate = l.startsWith('!')
        const pattern = (negate ? l.slice(1) : l).replace(/^\/+/, '').replace(/\/+$/, '')
        return { negate, re: patternRegex(pattern) }
      })
  }

  /** Is this context-relative path left out of the build context? */
  excludes(path: string): boolean {
    const parts = path.split('/')
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'))
    let excluded = false
    for (const rule of this.rules)
      if (candidates.some((c) => rule.re.test(c))) excluded = !rule.negate
    return excluded
  }
}
