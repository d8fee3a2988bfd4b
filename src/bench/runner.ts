/**
 * Runs a benchmark: every target (router or direct model) × mode × question, with bounded
 * concurrency. Each result is appended to `<out>/<target>/detailed_results.csv` as soon as it
 * arrives and `summary.json` is written per target at the end — or when the run is interrupted,
 * marked `"interrupted": true`, so partial results are never lost. Failing requests are results
 * too (success=false, error kind), counted in the error distribution; the run goes on.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sendChat } from './client.js'
import { CsvAppender } from './csv-writer.js'
import type { Question } from './datasets/types.js'
import { grade } from './extract.js'
import type { Progress } from './progress.js'
import { buildPrompt } from './prompts.js'
import { reasoningFields, templateFor, type FamilySources } from './reasoning-modes.js'
import { buildSummary, type Summary } from './summary.js'
import { targetDir } from './target-dir.js'
import {
  CSV_COLUMNS,
  MODE_LABELS,
  type ModeId,
  type PricingTable,
  type ResultRow,
  type Target,
} from './types.js'

export interface RunOptions {
  readonly targets: readonly Target[]
  readonly questions: readonly Question[]
  readonly dataset: string
  readonly outputDir: string
  readonly concurrency: number
  readonly maxTokens: number
  readonly temperature: number
  readonly seed: number
  readonly timeoutMs: number
  readonly stream: boolean
  readonly pricing: PricingTable
  readonly families: FamilySources
  readonly extraBody?: Record<string, unknown>
  readonly signal?: AbortSignal
  readonly progress?: Progress
  /** Notes for the user (skipped modes, where files went). */
  readonly log?: (line: string) => void
}

export interface TargetResult {
  readonly target: Target
  readonly dir: string
  readonly rows: readonly ResultRow[]
  readonly summary: Summary
}

export interface RunResult {
  readonly results: readonly TargetResult[]
  readonly interrupted: boolean
}

interface Task {
  readonly question: Question
  readonly mode: ModeId
}

/** Modes a target can actually run: reasoning-on needs a known family template. */
export function runnableModes(
  target: Target,
  families: FamilySources,
  log?: (l: string) => void,
): ModeId[] {
  if (target.kind === 'router') return ['router']
  const template = templateFor(target.model, families)
  return target.modes.filter((mode) => {
    if (mode === 'router') return false
    if (mode === 'NR_REASONING' && template === undefined) {
      log?.(
        `${target.id}: no reasoning family known for ${target.model}; skipping NR_REASONING (set --reasoning-family ${target.model}=qwen3|deepseek|gpt-oss)`,
      )
      return false
    }
    return true
  })
}

function requestBody(target: Target, task: Task, options: RunOptions): Record<string, unknown> {
  const style = task.mode === 'XC' ? 'cot' : 'neutral'
  const body: Record<string, unknown> = {
    model: target.model,
    messages: [{ role: 'user', content: buildPrompt(task.question, style) }],
    max_tokens: options.maxTokens,
    temperature: options.temperature,
    seed: options.seed,
    ...options.extraBody,
  }
  if (target.kind === 'direct') {
    const template = templateFor(target.model, options.families)
    if (template) Object.assign(body, reasoningFields(template, task.mode === 'NR_REASONING'))
  }
  return body
}

async function runTask(
  target: Target,
  task: Task,
  options: RunOptions,
): Promise<ResultRow | undefined> {
  const call = await sendChat(target.endpoint, target.apiKey, requestBody(target, task, options), {
    timeoutMs: options.timeoutMs,
    stream: options.stream,
    ...(options.signal ? { signal: options.signal } : {}),
  })
  if (call.error?.kind === 'cancelled') return undefined
  const q = task.question
  const graded = call.ok ? grade(q, call.content) : { predicted: '', correct: false }
  const reasoning =
    target.kind === 'router' ? call.selectedReasoning : task.mode === 'NR_REASONING' ? 'on' : 'off'
  return {
    mode: task.mode,
    mode_label: MODE_LABELS[task.mode],
    question_id: q.id,
    category: q.category,
    question: q.question,
    options: JSON.stringify(q.options),
    correct_answer: q.answer,
    model_response: call.content.slice(0, 20_000),
    predicted_answer: graded.predicted,
    is_correct: graded.correct,
    response_time: Math.round(call.latency * 1e6) / 1e6,
    success: call.ok,
    prompt_tokens: call.usage?.prompt_tokens ?? 0,
    completion_tokens: call.usage?.completion_tokens ?? 0,
    total_tokens: call.usage?.total_tokens ?? 0,
    dataset: q.dataset,
    target: target.id,
    model: target.model,
    selected_model: call.selectedModel || (target.kind === 'router' ? call.model : ''),
    selected_category: call.selectedCategory,
    reasoning,
    reasoning_tokens: call.usage?.reasoning_tokens ?? 0,
    ttft: call.ttft === undefined ? null : Math.round(call.ttft * 1e6) / 1e6,
    error: call.error ? `${call.error.kind}: ${call.error.message}` : '',
  }
}

/** Run `tasks` with at most `limit` in flight; stops taking new ones once the signal aborts. */
async function pool<T>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal | undefined,
  work: (item: T) => Promise<void>,
) {
  let next = 0
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++]!
      await work(item)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
}

export async function runBenchmark(options: RunOptions): Promise<RunResult> {
  const plans = options.targets.map((target) => ({
    target,
    modes: runnableModes(target, options.families, options.log),
  }))
  const results: TargetResult[] = []
  for (const { target, modes } of plans) {
    const dir = join(options.outputDir, targetDir(target.id))
    mkdirSync(dir, { recursive: true })
    const csv = new CsvAppender<ResultRow>(join(dir, 'detailed_results.csv'), CSV_COLUMNS)
    const rows: ResultRow[] = []
    const startedAt = new Date().toISOString()
    const tasks: Task[] = modes.flatMap((mode) =>
      options.questions.map((question) => ({ question, mode })),
    )
    options.progress?.setLabel(target.id)
    await pool(tasks, options.concurrency, options.signal, async (task) => {
      const row = await runTask(target, task, options)
      if (row === undefined) return
      rows.push(row)
      csv.append(row)
      options.progress?.tick()
    })
    const summary = buildSummary(rows, {
      target: target.id,
      kind: target.kind,
      endpoint: target.endpoint,
      model: target.model,
      dataset: options.dataset,
      pricing: options.pricing,
      startedAt,
      finishedAt: new Date().toISOString(),
      interrupted: options.signal?.aborted ?? false,
      settings: {
        modes,
        questions: options.questions.length,
        concurrency: options.concurrency,
        max_tokens: options.maxTokens,
        temperature: options.temperature,
        seed: options.seed,
        timeout_ms: options.timeoutMs,
        stream: options.stream,
      },
    })
    writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`)
    results.push({ target, dir, rows, summary })
    if (options.signal?.aborted) break
  }
  return { results, interrupted: options.signal?.aborted ?? false }
}

/** Total requests a run will make (for the progress bar). */
export function plannedRequests(
  options: Pick<RunOptions, 'targets' | 'questions' | 'families'>,
): number {
  return options.targets.reduce(
    (n, t) => n + runnableModes(t, options.families).length * options.questions.length,
    0,
  )
}
