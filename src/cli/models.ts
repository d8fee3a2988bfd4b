/**
 * `semantic-router models pull|list|verify`: model management. Pulls Hugging Face–layout ONNX
 * models into the model cache at a pinned revision, resumably, recording sha256 sums in
 * models.lock.json; lists and verifies what is there. The router itself never downloads.
 */
import { existsSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfigFile } from '../config/load.js'
import { isRouterError } from '../errors.js'
import { HubClient } from '../ml/hub/client.js'
import { readLock, verifyModel } from '../ml/hub/lock.js'
import { pullModel, UPSTREAM_MODELS, type PullVariant } from '../ml/hub/pull.js'
import { isHubId, locateModel } from '../ml/locate.js'
import { EXIT, type CliCommand } from './types.js'

const HELP = `Usage: semantic-router models <pull|list|verify> [options]

  pull <repo-id> [--revision <rev>]   Download a model (config.json, tokenizer files, mapping
                                      files and one ONNX file) into the model cache.
  pull --config <config.yaml>         Download every model the config names that is not on disk
                                      (hub ids, and upstream's models/<name> folders).
  list                                Models in the cache: repo, revision, commit, files, size.
  verify                              Check every file against models.lock.json (sha256).

Options:
  -c, --config <file>      Router config; its inference.model_cache_dir is the cache
                           (relative to the config file). Default cache: ./models
  -d, --cache-dir <dir>    Model cache directory (overrides the config).
  -r, --revision <rev>     Branch, tag or commit (default: the locked commit, else main).
      --name <folder>      Folder name in the cache (default: the repo name).
      --variant <v>        auto | fp32 | quantized | all (default auto: fp32 ONNX, else quantized).
      --force              Download again even if the files are intact.
      --endpoint <url>     Hub URL (default $HF_ENDPOINT or https://huggingface.co); $HF_TOKEN
                           authenticates gated or private repos.
  -h, --help               Show this help.

Exit status: 0 ok, 1 failure (download error, verification problem), 2 bad usage.`

interface Parsed {
  sub: string | undefined
  repo: string | undefined
  values: {
    config?: string
    'cache-dir'?: string
    revision?: string
    name?: string
    variant?: string
    force: boolean
    endpoint?: string
  }
}

function parse(argv: readonly string[]): Parsed | null {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        'cache-dir': { type: 'string', short: 'd' },
        revision: { type: 'string', short: 'r' },
        name: { type: 'string' },
        variant: { type: 'string' },
        force: { type: 'boolean', default: false },
        endpoint: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
    if (values.help) return null
    return { sub: positionals[0], repo: positionals[1], values }
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`)
    return null
  }
}

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
  if (!['auto', 'fp32', 'quantized', 'all'].includes(variant)) return EXIT.usage
  const client = new HubClient(p.values.endpoint ? { endpoint: p.values.endpoint } : {})
  const cacheDir = await cacheDirOf(p)
  const jobs: { repo: string; name?: string }[] = []
  if (p.repo) jobs.push({ repo: p.repo, ...(p.values.name ? { name: p.values.name } : {}) })
  else if (p.values.config) jobs.push(...(await missingFromConfig(p.values.config, cacheDir)))
  else return EXIT.usage
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
  const ids = [
    config.bert_model.model_id,
    config.classifier.category_model.model_id,
    config.classifier.pii_model.model_id,
    config.prompt_guard.model_id,
  ].filter((id) => id !== '')
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
    const p = parse(argv)
    const run =
      p?.sub === 'pull' ? pull : p?.sub === 'list' ? list : p?.sub === 'verify' ? verify : undefined
    if (!p || !run) {
      const wantsHelp = argv.includes('-h') || argv.includes('--help')
      ;(wantsHelp ? process.stdout : process.stderr).write(`${HELP}\n`)
      return wantsHelp ? EXIT.ok : EXIT.usage
    }
    try {
      const code = await run(p)
      if (code === EXIT.usage) process.stderr.write(`${HELP}\n`)
      return code
    } catch (err) {
      process.stderr.write(
        `error${isRouterError(err) ? ` [${err.code}]` : ''}: ${(err as Error).message}\n`,
      )
      return EXIT.failure
    }
  },
}
