/**
 * `semantic-router models pull|list|verify`: model management. Pulls Hugging Face–layout ONNX
 * models into the model cache at a pinned revision, resumably, recording sha256 sums in
 * models.lock.json; lists and verifies what is there. The router itself never downloads.
 */
import { existsSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { loadConfigFile } from '../config/load.js'
import type { RouterConfig } from '../config/schema/index.js'
import { HubClient } from '../ml/hub/client.js'
import { readLock, verifyModel } from '../ml/hub/lock.js'
import { pullPinned } from '../ml/hub/pinned.js'
import { pullModel, UPSTREAM_MODELS, type PullVariant } from '../ml/hub/pull.js'
import { isHubId, locateModel } from '../ml/locate.js'
import { commandFailed, parseCommandArgs, usageError, type ParsedArgs } from './args.js'
import { EXIT, type CliCommand } from './types.js'

const HELP = `Usage: semantic-router models <pull|list|verify> [options]

  pull <repo-id> [--revision <rev>]   Download a model (config.json, tokenizer files, mapping
                                      files and one ONNX file) into the model cache.
  pull --config <config.yaml>         Download every model the config names that is not on disk
                                      (hub ids, and upstream's models/<name> folders).
  pull --lock <models.lock.json>      Download exactly what a lock file pins (each model at its
                                      locked commit, each file checked against its sha256). With
                                      --config, then check that every model the config names is
                                      found; with none pinned or named, the router uses its
                                      embedded models. (The Kubernetes init container runs this.)
  list                                Models in the cache: repo, revision, commit, files, size.
  verify                              Check every file against models.lock.json (sha256).

Options:
  -c, --config <file>      Router config; its inference.model_cache_dir is the cache
                           (relative to the config file). Default cache: ./models
  -d, --cache-dir <dir>    Model cache directory (overrides the config).
  -l, --lock <file>        A models.lock.json to reproduce (pull).
  -r, --revision <rev>     Branch, tag or commit (default: the locked commit, else main).
      --name <folder>      Folder name in the cache (default: the repo name).
      --variant <v>        auto | fp32 | quantized | all (default auto: fp32 ONNX, else quantized).
      --force              Download again even if the files are intact.
      --endpoint <url>     Hub URL (default $HF_ENDPOINT or https://huggingface.co); $HF_TOKEN
                           authenticates gated or private repos.
  -h, --help               Show this help.

Exit status: 0 ok, 1 failure (download error, verification problem), 2 bad usage.`

const SYNTAX = {
  name: 'models',
  help: HELP,
  positionals: true,
  options: {
    config: { type: 'string', short: 'c' },
    'cache-dir': { type: 'string', short: 'd' },
    lock: { type: 'string', short: 'l' },
    revision: { type: 'string', short: 'r' },
    name: { type: 'string' },
    variant: { type: 'string' },
    force: { type: 'boolean', default: false },
    endpoint: { type: 'string' },
  },
} as const

interface Parsed {
  repo: string | undefined
  values: ParsedArgs<typeof SYNTAX.options>['values']
}

/** The model_id settings a config can fill (empty = the embedded default or no model). */
const MODEL_SETTINGS: readonly [string, (c: RouterConfig) => string][] = [
  ['bert_model.model_id', (c) => c.bert_model.model_id],
  ['classifier.category_model.model_id', (c) => c.classifier.category_model.model_id],
  ['classifier.pii_model.model_id', (c) => c.classifier.pii_model.model_id],
  ['prompt_guard.model_id', (c) => c.prompt_guard.model_id],
]

async function cacheDirOf(p: Parsed): Promise<string> {
  if (p.values['cache-dir']) return resolve(p.values['cache-dir'])
  if (p.values.config) {
    const { config } = await loadConfigFile(p.values.config)
    return resolve(dirname(resolve(p.values.config)), config.inference.model_cache_dir)
  }
  return resolve('models')
}

const out = (line: string): void => void process.stdout.write(`${line}\n`)

async function pull(p: Parsed): Promise<number> {
  const variant = (p.values.variant ?? 'auto') as PullVariant
  if (!['auto', 'fp32', 'quantized', 'all'].includes(variant))
    return usageError('models', `--variant must be auto, fp32, quantized or all, got ${variant}`)
  const client = new HubClient(p.values.endpoint ? { endpoint: p.values.endpoint } : {})
  if (p.values.lock !== undefined) {
    if (p.repo) return usageError('models', 'pull takes a repo id or --lock, not both')
    return pullLocked(p, p.values.lock, client)
  }
  const cacheDir = await cacheDirOf(p)
  const jobs: { repo: string; name?: string }[] = []
  if (p.repo) jobs.push({ repo: p.repo, ...(p.values.name ? { name: p.values.name } : {}) })
  else if (p.values.config) jobs.push(...(await missingFromConfig(p.values.config, cacheDir)))
  else return usageError('models', 'pull needs a repo id, --config or --lock')
  if (jobs.length === 0) out('every model the config names is present')
  for (const job of jobs) {
    out(`pulling ${job.repo} into ${resolve(cacheDir, job.name ?? basename(job.repo))}`)
    const r = await pullModel({
      repo: job.repo,
      cacheDir,
      client,
      variant,
      force: p.values.force,
      say: out,
      ...(p.values.revision ? { revision: p.values.revision } : {}),
      ...(job.name ? { name: job.name } : {}),
    })
    out(
      `${job.repo}@${r.entry.commit}: ${r.downloaded} downloaded, ${r.skipped} already intact → ${r.dir}`,
    )
  }
  return EXIT.ok
}

async function missingFromConfig(
  file: string,
  cacheDir: string,
): Promise<{ repo: string; name: string }[]> {
  const { config } = await loadConfigFile(file)
  const baseDir = dirname(resolve(file))
  const ids = MODEL_SETTINGS.map(([, get]) => get(config)).filter((id) => id !== '')
  const jobs: { repo: string; name: string }[] = []
  for (const id of new Set(ids)) {
    try {
      locateModel(id, { baseDir, cacheDir })
      continue
    } catch {
      // missing: pull it below
    }
    const repo = isHubId(id) ? id : UPSTREAM_MODELS[basename(id)]
    if (!repo) {
      out(`skipping ${id}: not a hub repo id and not one of upstream's models; pull it by repo id`)
      continue
    }
    jobs.push({ repo, name: basename(id) })
  }
  return jobs
}

/**
 * `pull --lock`: reproduce the pinned models, then (with --config) check that the router will find
 * every model its config names. An unpinned model that is not on disk fails the pull when the
 * config says `inference.strict_models` (the router would refuse to start too); otherwise the
 * router falls back to its embedded default, and so does this check, with a warning.
 */
async function pullLocked(p: Parsed, lockFile: string, client: HubClient): Promise<number> {
  const cacheDir = await cacheDirOf(p)
  const pulled = await pullPinned({ lockFile, cacheDir, client, force: p.values.force, say: out })
  for (const r of pulled)
    out(
      `${r.entry.repo}@${r.entry.commit.slice(0, 12)} (pinned): ${r.downloaded} downloaded, ${r.skipped} already intact, sha256 verified → ${r.dir}`,
    )
  if (!p.values.config) {
    if (pulled.length === 0) out(`${lockFile} pins no models`)
    return EXIT.ok
  }
  const { config } = await loadConfigFile(p.values.config)
  const baseDir = dirname(resolve(p.values.config))
  const named = MODEL_SETTINGS.map(([key, get]) => [key, get(config)] as const).filter(
    ([, id]) => id !== '',
  )
  if (pulled.length === 0 && named.length === 0) {
    out('no models pinned or configured: the router uses its embedded models')
    return EXIT.ok
  }
  let missing = 0
  for (const [key, id] of named) {
    try {
      out(`${key}: ${id} → ${locateModel(id, { baseDir, cacheDir })}`)
    } catch (err) {
      missing++
      const consequence = config.inference.strict_models
        ? 'the router would refuse to start (inference.strict_models)'
        : 'the router will fall back to its embedded default'
      // Upstream names models by path (models/<name>); a pulled copy is found by its hub id.
      const pinned = pulled.find((r) => r.key === basename(id))
      const hint = pinned ? `; it is pinned as ${pinned.entry.repo}: use that id in the config` : ''
      out(`${key}: ${(err as Error).message}${hint}; ${consequence}`)
    }
  }
  if (missing > 0 && config.inference.strict_models) return EXIT.failure
  return EXIT.ok
}

async function list(p: Parsed): Promise<number> {
  const cacheDir = await cacheDirOf(p)
  const models = Object.entries(readLock(cacheDir).models)
  if (models.length === 0) out(`no models pulled into ${cacheDir}`)
  for (const [dir, m] of models) {
    const bytes = Object.values(m.files).reduce((s, f) => s + f.size, 0)
    const present = existsSync(resolve(cacheDir, dir)) ? '' : '  (folder missing)'
    out(
      `${dir}  ${m.repo}@${m.revision} commit ${m.commit.slice(0, 12)}  ${Object.keys(m.files).length} files  ${(bytes / 1e6).toFixed(1)} MB  pulled ${m.pulledAt}${present}`,
    )
  }
  return EXIT.ok
}

async function verify(p: Parsed): Promise<number> {
  const cacheDir = await cacheDirOf(p)
  let bad = 0
  for (const [dir, m] of Object.entries(readLock(cacheDir).models)) {
    const problems = await verifyModel(resolve(cacheDir, dir), m)
    bad += problems.length
    out(
      problems.length === 0
        ? `ok       ${dir} (${Object.keys(m.files).length} files)`
        : `FAILED   ${dir}`,
    )
    for (const pr of problems)
      out(
        `  ${pr.file}: ${pr.problem === 'missing' ? 'missing' : `${pr.problem} differs from models.lock.json`}`,
      )
  }
  if (bad > 0) out(`${bad} problem(s): restore with semantic-router models pull <repo> --force`)
  return bad === 0 ? EXIT.ok : EXIT.failure
}

export const modelsCommand: CliCommand = {
  name: 'models',
  summary: 'Pull, list and verify models (Hugging Face hub, pinned, sha256-locked)',
  help: HELP,
  async run(argv) {
    const parsed = parseCommandArgs(SYNTAX, argv)
    if (typeof parsed === 'number') return parsed
    const [sub, repo] = parsed.positionals
    const run =
      sub === 'pull' ? pull : sub === 'list' ? list : sub === 'verify' ? verify : undefined
    if (!run)
      return usageError('models', sub === undefined ? 'no subcommand' : `unknown subcommand ${sub}`)
    try {
      return await run({ repo, values: parsed.values })
    } catch (err) {
      return commandFailed('models', err)
    }
  },
}
