/**
 * The performance test suite (`semantic-router bench perf`): a small fixed suite whose
 * deterministic figures — routing accuracy on the sample set through the real router, jailbreak and
 * PII detection on their test vectors — are compared with a committed baseline and gate CI within
 * the tolerances of bench/perf/thresholds.yaml. Timing figures are measured and reported, never
 * gated (they depend on the machine and its load).
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { buildGuardsReport } from '../eval/guards/report.js'
import { parseConfigText } from '../config/load.js'
import { QUICKSTART_DIR, runQuickstart } from './quickstart.js'
import { round } from './stats.js'

export const PERF_DIR = join(import.meta.dirname, '..', '..', 'bench', 'perf')

export interface PerfFigures {
  /** Same inputs, same code → same values; these gate. */
  readonly deterministic: Record<string, number>
  /** Milliseconds and rates that vary run to run; reported only. */
  readonly timing: Record<string, number>
}

export async function runPerfSuite(): Promise<PerfFigures> {
  const config = join(QUICKSTART_DIR, 'config.yaml')
  const defaultModel = parseConfigText(readFileSync(config, 'utf8')).config.default_model
  const routing = await runQuickstart({
    config,
    profiles: join(QUICKSTART_DIR, 'simulated-models.yaml'),
    real: false,
    outputDir: mkdtempSync(join(tmpdir(), 'bench-perf-')),
    samplesPerCategory: 0,
    concurrency: 4,
    seed: 42,
    progress: false,
    directModels: [defaultModel],
    writeReport: false,
    out: () => undefined,
  })
  const router = routing.results.find((r) => r.target.kind === 'router')!.summary
  const direct = routing.results.find((r) => r.target.kind === 'direct')?.summary
  const guardsStart = performance.now()
  const guards = await buildGuardsReport(0.7, 0.7)
  const guardsMs = performance.now() - guardsStart
  const jb = guards.jailbreak.test
  const pii = guards.pii.test.micro
  const ms = (s: number) => round(s * 1000, 3)
  return {
    deterministic: {
      'routing.category_accuracy': round(routing.routingAccuracy, 4),
      'routing.success_rate': round(
        router.successful_queries / Math.max(1, router.total_questions),
        4,
      ),
      'routing.questions': router.total_questions,
      'jailbreak.recall': round(jb.recall, 4),
      'jailbreak.false_positive_rate': round(jb.falsePositiveRate, 4),
      'jailbreak.hard_false_positive_rate': round(jb.hardFalsePositiveRate, 4),
      'pii.micro_precision': round(pii.precision, 4),
      'pii.micro_recall': round(pii.recall, 4),
      'pii.micro_f1': round(pii.f1, 4),
    },
    timing: {
      'router.p50_ms': ms(router.latency.p50),
      'router.p99_ms': ms(router.latency.p99),
      ...(direct
        ? { 'direct.p50_ms': ms(direct.latency.p50), 'direct.p99_ms': ms(direct.latency.p99) }
        : {}),
      'guards.eval_ms': round(guardsMs, 1),
    },
  }
}

const gateSchema = z.strictObject({
  direction: z.enum(['higher', 'lower', 'equal']),
  tolerance: z.number().min(0).default(0),
})
const thresholdsSchema = z.strictObject({ gates: z.record(z.string(), gateSchema) })
export type Thresholds = z.infer<typeof thresholdsSchema>

export function loadThresholds(path: string): Thresholds {
  const parsed = thresholdsSchema.safeParse(parseYaml(readFileSync(path, 'utf8')))
  if (!parsed.success)
    throw new Error(
      `${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    )
  return parsed.data
}

export interface GateRow {
  readonly metric: string
  readonly value: number | undefined
  readonly baseline: number | undefined
  readonly direction: 'higher' | 'lower' | 'equal'
  readonly tolerance: number
  readonly ok: boolean
  readonly why: string
}

/** Compare figures with the baseline: `higher` may not drop by more than the tolerance, etc. */
export function gate(
  figures: Record<string, number>,
  baseline: Record<string, number>,
  thresholds: Thresholds,
): GateRow[] {
  return Object.entries(thresholds.gates).map(([metric, g]) => {
    const value = figures[metric]
    const base = baseline[metric]
    if (value === undefined)
      return { metric, value, baseline: base, ...g, ok: false, why: 'not measured' }
    if (base === undefined)
      return {
        metric,
        value,
        baseline: base,
        ...g,
        ok: false,
        why: 'no baseline (run bench perf --update-baseline)',
      }
    const delta = value - base
    const ok =
      g.direction === 'higher'
        ? delta >= -g.tolerance - 1e-12
        : g.direction === 'lower'
          ? delta <= g.tolerance + 1e-12
          : Math.abs(delta) <= g.tolerance + 1e-12
    const rule = g.direction === 'equal' ? 'must not change' : `${g.direction} is better`
    const why = `${delta >= 0 ? '+' : ''}${round(delta, 4)} vs baseline (${rule}, tolerance ${g.tolerance})`
    return { metric, value, baseline: base, ...g, ok, why }
  })
}
