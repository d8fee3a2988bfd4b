/**
 * Embedded models before/after, in one run (issue 16): p50 latency of the category classifier,
 * the sentence embedding and the full guard chain (jailbreak + PII on the same text); the RSS that
 * what the router builds for its bundled config (models, detectors, cache verifier) adds to a
 * fresh process; and the idle RSS of the router itself (`serve`, bundled config) — for an earlier
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
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
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
  /** The same over two held-out texts joined (a request of several sentences). */
  readonly category_multi_sentence_p50_ms?: number
  readonly embedding_p50_ms: number
  readonly guard_chain_p50_ms: number
  readonly rss_added_mb: number
  /** RSS of `semantic-router serve` on the bundled config, started and idle (set by the parent). */
  router_idle_rss_mb?: number
  readonly models: Record<string, string>
}

function texts(): string[] {
  return readFileSync(join(REPO, 'training', 'data', 'category-heldout.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t')[2]!)
}

/** Requests of several sentences: held-out texts joined two by two. */
const multiSentence = (inputs: readonly string[]): string[] =>
  inputs.slice(0, -1).map((t, i) => `${t} ${inputs[i + 1]!}`)

const p50 = (samples: number[]): number => {
  const s = [...samples].sort((a, b) => a - b)
  return round(s[Math.floor(s.length / 2)]!)
}

/**
 * Full collections with pauses between, so freed memory has gone back to the system before RSS
 * is read: read straight after loading, RSS still holds the loaders' garbage (tokenizer JSON,
 * model protobufs) and varies by ±60 MB from run to run.
 */
async function settle(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc
  for (let i = 0; i < 3; i++) {
    gc?.()
    await new Promise((r) => setTimeout(r, 200))
  }
}

/**
 * Child: build what `root`'s router builds for its bundled config (config/config.yaml) — the
 * runtime services (sentence embedding, jailbreak and PII detectors, the semantic cache with its
 * verifier) and the category model — then measure and print JSON. Nothing the router does not
 * load (the word-vector model, the lexical embedding) is loaded.
 */
async function child(root: string): Promise<Measured> {
  const imp = (rel: string) => import(pathToFileURL(join(root, rel)).href)
  const has = (rel: string) => existsSync(join(root, rel))
  const { EMBEDDED_MODELS } = (await imp('src/ml/embedded.ts')) as {
    EMBEDDED_MODELS: Record<string, string>
  }
  const { readModelFolder } = await imp('src/ml/folder.ts')
  const { LoadedModel, toClassification } = await imp('src/ml/model.ts')
  // Since the question view (issue 16), a category model folder that declares it is also run on
  // the question sentence of a multi-sentence text, in the same batch, as the router's classifier does.
  const questionView = has('src/classify/model/question-view.ts')
    ? await imp('src/classify/model/question-view.ts')
    : undefined
  const { parseConfigText } = await imp('src/config/load.ts')
  const { silentLogger } = await imp('src/log.ts')
  const { RouterMetrics } = await imp('src/metrics/router-metrics.ts')
  // The composition root moved (issue 12); the function kept its name and arguments.
  const { createRuntimeServices } = await imp(
    has('src/assembly/build-services.ts')
      ? 'src/assembly/build-services.ts'
      : 'src/runtime/build-services.ts',
  )
  const inputs = texts()
  await settle()
  const rssBefore = process.memoryUsage().rss
  const configDir = join(root, 'config')
  const { config } = parseConfigText(readFileSync(join(configDir, 'config.yaml'), 'utf8'))
  const services = await createRuntimeServices(config, {
    log: silentLogger(),
    metrics: new RouterMetrics(),
    baseDir: configDir,
  })
  interface Runnable {
    run(t: string[]): Promise<unknown>
  }
  const folder = readModelFolder(EMBEDDED_MODELS['category'])
  const category = (await LoadedModel.load({
    folder,
    task: 'sequence-classification',
    labels: folder.labels,
    longInput: 'truncate',
  })) as Runnable
  const view = questionView?.readQuestionView(EMBEDDED_MODELS['category'])
  const classifyCategory = async (t: string): Promise<unknown> => {
    const q: string | undefined = view ? questionView.questionSentence(t) : undefined
    const results = (await category.run(q === undefined ? [t] : [t, q])) as unknown[]
    if (!view) return results
    const dists = results.map(
      (r) => (toClassification(folder.labels, r) as { probabilities: Float32Array }).probabilities,
    )
    return questionView.combineQuestionView(dists[0], dists[1], view) as Float32Array
  }
  const embedder = (await services.embedder()) as { embed(t: string[]): Promise<unknown> }
  type Detector = { detect(t: string): Promise<unknown> } | null
  const jailbreak = (await services.jailbreakDetector()) as Detector
  const pii = (await services.piiDetector()) as Detector
  // The semantic cache is opened on first use; since issue 16 opening it loads its learned
  // verifier (word vectors + WordNet lexicon), so the cache is what loads it here, as in the router.
  await services.semanticCache?.()
  // Use everything once, as the first requests would.
  for (const t of inputs.slice(0, 50)) {
    await classifyCategory(t)
    await embedder.embed([t])
    await jailbreak?.detect(t)
    await pii?.detect(t)
  }
  await settle()
  const rss = process.memoryUsage().rss - rssBefore
  const passes = Number(args.passes)
  const time = async (fn: (t: string) => Promise<unknown>, over = inputs) => {
    for (const t of over.slice(0, 20)) await fn(t)
    const samples: number[] = []
    for (let p = 0; p < passes; p++)
      for (const t of over) {
        const start = performance.now()
        await fn(t)
        samples.push(performance.now() - start)
      }
    return p50(samples)
  }
  const categoryMs = await time(classifyCategory)
  const categoryMultiMs = await time(classifyCategory, multiSentence(inputs))
  const embeddingMs = await time((t) => embedder.embed([t]))
  const guards = await time((t) => Promise.all([jailbreak?.detect(t), pii?.detect(t)]))
  return {
    category_p50_ms: categoryMs,
    category_multi_sentence_p50_ms: categoryMultiMs,
    embedding_p50_ms: embeddingMs,
    guard_chain_p50_ms: guards,
    rss_added_mb: round(rss / 1024 / 1024, 1),
    models: Object.fromEntries(
      Object.entries(EMBEDDED_MODELS).map(([k, v]) => [k, v.replace(`${root}/`, '')]),
    ),
  }
}

/**
 * RSS of the router itself: `serve` on `root`'s bundled config (every listener on port 0, no
 * simulator, no file watch), read from /proc two seconds after it logs router_started.
 */
async function routerIdleRss(root: string): Promise<number> {
  const router = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/main.ts',
      'serve',
      '--config',
      'config/config.yaml',
      '--no-watch',
      ...['--port', '0', '--gateway-port', '0', '--api-port', '0', '--metrics-port', '0'],
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  try {
    await new Promise<void>((resolve, reject) => {
      let seen = ''
      router.stdout.on('data', (chunk: Buffer) => {
        seen = (seen + chunk.toString()).slice(-4096)
        if (seen.includes('"router_started"')) resolve()
      })
      router.once('exit', (code) => reject(new Error(`router exited (${code}) before starting`)))
    })
    await new Promise((r) => setTimeout(r, 2000))
    const status = readFileSync(`/proc/${router.pid}/status`, 'utf8')
    return round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024, 1)
  } finally {
    router.kill('SIGKILL')
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

async function main(): Promise<void> {
  const beforeRoot = mkdtempSync(join(tmpdir(), 'sr-before-'))
  execFileSync('git', ['-C', REPO, 'worktree', 'add', '--detach', beforeRoot, args.before], {
    stdio: 'ignore',
  })
  symlinkSync(join(REPO, 'node_modules'), join(beforeRoot, 'node_modules'))
  try {
    const sides = { before: [] as Measured[], after: [] as Measured[] }
    for (let r = 0; r < Number(args.rounds); r++) {
      for (const [side, root] of [
        ['before', beforeRoot],
        ['after', REPO],
      ] as const) {
        const measured = runChild(root)
        measured.router_idle_rss_mb = await routerIdleRss(root)
        sides[side].push(measured)
      }
    }
    const keys = [
      'category_p50_ms',
      'category_multi_sentence_p50_ms',
      'embedding_p50_ms',
      'guard_chain_p50_ms',
      'rss_added_mb',
      'router_idle_rss_mb',
    ] as const
    const summary = Object.fromEntries(
      keys.map((k) => {
        const b = median(sides.before.map((m) => m[k] ?? NaN))
        const a = median(sides.after.map((m) => m[k] ?? NaN))
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
      note: 'p50 over the 168 held-out category texts, one at a time, default inference settings (category: with the question view where the model folder declares it); category_multi_sentence = the same over the held-out texts joined two by two; guard chain = jailbreak + PII detect on the same text concurrently; rss_added_mb = RSS added in a fresh process by what the router builds for its bundled config (runtime services: sentence embedding, guard detectors, semantic cache and its verifier; plus the category model), after first use and GC; router_idle_rss_mb = RSS of `serve` on the bundled config, idle, 2 s after router_started',
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
else await main()
