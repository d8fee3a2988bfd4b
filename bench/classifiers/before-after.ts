/**
 * Embedded models before/after, in one run (issue 16): p50 latency of the category classifier,
 * the sentence embedding and the full guard chain (jailbreak + PII on the same text), and the RSS
 * that loading every embedded model and guard detector adds to a fresh process — for an earlier
 * revision (default d5a108b, before issue 16) and for this checkout, side by side.
 *
 * The earlier revision is checked out into a temporary git worktree (sharing this checkout's
 * node_modules); each measurement runs in its own child process that imports that tree's code and
 * models, and the two sides alternate (before, after, before, after, ...) so machine load hits both
 * alike. The median of the rounds is reported, with after/before ratios.
 *
 *   flock /work/.heavy.lock node --import tsx bench/classifiers/before-after.ts \
 *     [--before d5a108b] [--rounds 3] [--passes 3] [--out bench/classifiers/recorded/x.json]
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

const { values: args } = parseArgs({
  options: {
    before: { type: 'string', default: 'd5a108b' },
    rounds: { type: 'string', default: '3' },
    passes: { type: 'string', default: '3' },
    out: { type: 'string' },
    child: { type: 'string' },
  },
})

const REPO = join(import.meta.dirname, '..', '..')
const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d

interface Measured {
  readonly category_p50_ms: number
  readonly embedding_p50_ms: number
  readonly guard_chain_p50_ms: number
  readonly rss_added_mb: number
  readonly models: Record<string, string>
}

function texts(): string[] {
  return readFileSync(join(REPO, 'training', 'data', 'category-heldout.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t')[2]!)
}

const p50 = (samples: number[]): number => {
  const s = [...samples].sort((a, b) => a - b)
  return round(s[Math.floor(s.length / 2)]!)
}

/** Child: load `root`'s embedded models and detectors, measure, print JSON. */
async function child(root: string): Promise<Measured> {
  const imp = (rel: string) => import(pathToFileURL(join(root, rel)).href)
  const { EMBEDDED_MODELS } = (await imp('src/ml/embedded.ts')) as {
    EMBEDDED_MODELS: Record<string, string>
  }
  const { readModelFolder } = await imp('src/ml/folder.ts')
  const { LoadedModel } = await imp('src/ml/model.ts')
  const { parseConfigText } = await imp('src/config/load.ts')
  const { createJailbreakDetector, createPiiDetector } = await imp('src/guards/build.ts')
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  const rssBefore = process.memoryUsage().rss
  interface Runnable {
    run(t: string[]): Promise<unknown>
  }
  const load = (dir: string, task: string): Promise<Runnable> => {
    const folder = readModelFolder(dir)
    return LoadedModel.load({
      folder,
      task,
      labels: folder.labels ?? [],
      longInput: 'truncate',
    }) as Promise<Runnable>
  }
  const models: Record<string, Runnable> = {}
  // A folder with labels is a classifier (category, jailbreak); one without is an embedding.
  for (const [name, dir] of Object.entries(EMBEDDED_MODELS))
    models[name] = await load(
      dir,
      (readModelFolder(dir) as { labels: unknown }).labels
        ? 'sequence-classification'
        : 'embedding',
    )
  const { config } = parseConfigText('prompt_guard: { enabled: true }\n')
  const jailbreak = await createJailbreakDetector(config)
  const pii = await createPiiDetector(config)
  const inputs = texts()
  const passes = Number(args.passes)
  const time = async (fn: (t: string) => Promise<unknown>) => {
    for (const t of inputs.slice(0, 20)) await fn(t)
    const samples: number[] = []
    for (let p = 0; p < passes; p++)
      for (const t of inputs) {
        const start = performance.now()
        await fn(t)
        samples.push(performance.now() - start)
      }
    return p50(samples)
  }
  const category = await time((t) => models['category']!.run([t]))
  const embedding = await time((t) => models['embedding']!.run([t]))
  const guards = await time((t) => Promise.all([jailbreak?.detect(t), pii?.detect(t)]))
  gc?.()
  const rss = process.memoryUsage().rss - rssBefore
  return {
    category_p50_ms: category,
    embedding_p50_ms: embedding,
    guard_chain_p50_ms: guards,
    rss_added_mb: round(rss / 1024 / 1024, 1),
    models: Object.fromEntries(
      Object.entries(EMBEDDED_MODELS).map(([k, v]) => [k, v.replace(`${root}/`, '')]),
    ),
  }
}

function runChild(root: string): Measured {
  const out = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      import.meta.filename,
      '--child',
      root,
      '--passes',
      args.passes,
    ],
    { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 24 },
  )
  return JSON.parse(out.trim().split('\n').at(-1)!) as Measured
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

function main(): void {
  const beforeRoot = mkdtempSync(join(tmpdir(), 'sr-before-'))
  execFileSync('git', ['-C', REPO, 'worktree', 'add', '--detach', beforeRoot, args.before], {
    stdio: 'ignore',
  })
  symlinkSync(join(REPO, 'node_modules'), join(beforeRoot, 'node_modules'))
  try {
    const sides = { before: [] as Measured[], after: [] as Measured[] }
    for (let r = 0; r < Number(args.rounds); r++) {
      sides.before.push(runChild(beforeRoot))
      sides.after.push(runChild(REPO))
    }
    const keys = [
      'category_p50_ms',
      'embedding_p50_ms',
      'guard_chain_p50_ms',
      'rss_added_mb',
    ] as const
    const summary = Object.fromEntries(
      keys.map((k) => {
        const b = median(sides.before.map((m) => m[k]))
        const a = median(sides.after.map((m) => m[k]))
        return [k, { before: b, after: a, ratio: round(a / b, 2) }]
      }),
    )
    const head = execFileSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
    }).trim()
    const report = {
      command: `node --import tsx bench/classifiers/before-after.ts --before ${args.before} --rounds ${args.rounds} --passes ${args.passes}`,
      date: new Date().toISOString(),
      revisions: { before: args.before, after: head },
      load_average: loadavg().map((x) => round(x, 2)),
      summary,
      models: { before: sides.before[0]!.models, after: sides.after[0]!.models },
      rounds: sides,
      note: 'p50 over the 168 held-out category texts, one at a time, intra_op_threads 1, default placement; guard chain = jailbreak + PII detect on the same text concurrently; RSS added by loading every embedded model and both detectors in a fresh process (after GC)',
    }
    const json = `${JSON.stringify(report, null, 2)}\n`
    if (args.out) writeFileSync(args.out, json)
    process.stdout.write(json)
  } finally {
    execFileSync('git', ['-C', REPO, 'worktree', 'remove', '--force', beforeRoot], {
      stdio: 'ignore',
    })
    rmSync(beforeRoot, { recursive: true, force: true })
  }
}

if (args.child) process.stdout.write(`${JSON.stringify(await child(args.child))}\n`)
else main()
