/** Run-level outputs next to the per-target folders: comparison.json and report.html. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderReport } from './report/html.js'
import type { TargetResult } from './runner.js'
import { targetDir } from './target-dir.js'
import { sampleSizeNote, verdictOf } from './verdict.js'

export interface RunMeta {
  readonly dataset: string
  readonly simulated: boolean
  readonly notes: readonly string[]
  readonly title?: string
  readonly settings: Record<string, unknown>
}

export function writeRunOutputs(
  outputDir: string,
  results: readonly TargetResult[],
  meta: RunMeta,
) {
  const summaries = results.map((r) => r.summary)
  const verdict = verdictOf(summaries)
  const sampleNote = sampleSizeNote(
    results[0]?.rows.filter((r) => r.mode === results[0]?.rows[0]?.mode) ?? [],
  )
  const comparison = {
    dataset: meta.dataset,
    verdict: verdict
      ? {
          text: verdict.text,
          router_accuracy: verdict.routerAccuracy,
          best_run: verdict.best.run,
          best_accuracy: verdict.best.accuracy,
          accuracy_share: verdict.accuracyShare,
          cost_share: verdict.costShare,
          cost_basis: verdict.costBasis,
        }
      : null,
    generated_at: new Date().toISOString(),
    simulated: meta.simulated,
    interrupted: summaries.some((s) => s.interrupted),
    settings: meta.settings,
    targets: summaries.map((s) => ({
      target: s.target,
      folder: targetDir(s.target),
      overall_accuracy: s.overall_accuracy,
      by_mode: Object.fromEntries(
        Object.entries(s.by_mode).map(([m, b]) => [
          m,
          {
            accuracy: b.accuracy,
            avg_response_time: b.avg_response_time,
            avg_total_tokens: b.avg_total_tokens,
            cost_per_question: b.cost.per_question,
          },
        ]),
      ),
      successful_queries: s.successful_queries,
      failed_queries: s.failed_queries,
      error_distribution: s.error_distribution,
    })),
  }
  const comparisonPath = join(outputDir, 'comparison.json')
  writeFileSync(comparisonPath, `${JSON.stringify(comparison, null, 2)}\n`)
  const reportPath = join(outputDir, 'report.html')
  writeFileSync(
    reportPath,
    renderReport({
      title: meta.title ?? 'semantic-router benchmark',
      dataset: meta.dataset,
      generatedAt: comparison.generated_at,
      simulated: meta.simulated,
      ...(verdict ? { verdict: verdict.text } : {}),
      notes: sampleNote === '' ? meta.notes : [...meta.notes, sampleNote],
      summaries,
    }),
  )
  return { comparisonPath, reportPath, verdict }
}
