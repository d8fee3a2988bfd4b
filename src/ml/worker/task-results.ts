/**
 * The task's post-processing of one text's window outputs (engine.ts): class probabilities over
 * all windows (sequence classification), entity spans (token classification), or one normalised
 * vector (embedding). Pure: it reads only the model's settings and the rows the session gave.
 */
import { l2Normalise, mergeBio, softmax, type TokenPrediction } from '../postprocess.js'
import { ownerWindow, type Window, type WindowRule } from '../windows.js'
import type { TaskResult, WorkerInit } from './protocol.js'

/** One text's result from the output rows of its windows (in window order). */
export function taskResult(
  init: WorkerInit,
  rule: WindowRule,
  windows: readonly Window[],
  rows: readonly Float32Array[],
): TaskResult {
  switch (init.task) {
    case 'sequence-classification':
      return { probabilities: aggregateSequence(init, windows, rows), windows: windows.length }
    case 'token-classification':
      return { entities: tokenEntities(init, rule, windows, rows), windows: windows.length }
    case 'embedding': {
      if (rows.length === 1) return { vector: l2Normalise(Float32Array.from(rows[0]!)), windows: 1 }
      const sum = new Float32Array(rows[0]!.length)
      for (const r of rows) for (let d = 0; d < r.length; d++) sum[d] = sum[d]! + r[d]!
      return { vector: l2Normalise(sum), windows: rows.length }
    }
  }
}

/**
 * A long text's class distribution over its windows: `max-risk` takes the window with the least
 * benign mass (an attack in one chunk is not diluted by the rest); otherwise the mean weighted by
 * each window's content length.
 */
function aggregateSequence(
  init: WorkerInit,
  windows: readonly Window[],
  rows: readonly Float32Array[],
): Float32Array {
  const dists = rows.map((r) => softmax(r))
  if (dists.length === 1) return dists[0]!
  if (init.aggregate === 'max-risk') {
    const b = init.benignIndex
    return dists.reduce((worst, d) => (d[b]! < worst[b]! ? d : worst))
  }
  const out = new Float32Array(dists[0]!.length)
  let weight = 0
  dists.forEach((d, i) => {
    const w = Math.max(1, windows[i]!.contentLength)
    weight += w
    for (let k = 0; k < d.length; k++) out[k] = out[k]! + d[k]! * w
  })
  for (let k = 0; k < out.length; k++) out[k] = out[k]! / weight
  return out
}

/** Each content token's label from the window that owns it, merged into BIO entity spans. */
function tokenEntities(
  init: WorkerInit,
  rule: WindowRule,
  windows: readonly Window[],
  rows: readonly Float32Array[],
) {
  const labels = init.labels
  const n = labels.length
  const total = windows.reduce((m, w) => Math.max(m, w.contentStart + w.contentLength), 0)
  const predictions: TokenPrediction[] = []
  for (let pos = 0; pos < total; pos++) {
    const wi = ownerWindow(windows, pos)
    const w = windows[wi]!
    const slot = rule.prefix.length + (pos - w.contentStart)
    const offset = w.offsets[slot]
    if (!offset || offset[1] <= offset[0]) continue
    const probs = softmax(rows[wi]!, slot * n, n)
    let best = 0
    for (let k = 1; k < n; k++) if (probs[k]! > probs[best]!) best = k
    predictions.push({
      start: offset[0],
      end: offset[1],
      label: labels[best]!,
      score: probs[best]!,
    })
  }
  return mergeBio(predictions)
}
