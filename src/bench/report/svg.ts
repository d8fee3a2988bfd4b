/**
 * Inline SVG charts for the HTML report: no scripts, no fonts or files from anywhere, so the
 * report opens offline and prints. Each chart is a function of plain numbers.
 */

export const PALETTE = [
  '#2563eb',
  '#dc2626',
  '#16a34a',
  '#9333ea',
  '#ea580c',
  '#0891b2',
  '#ca8a04',
  '#db2777',
  '#4b5563',
  '#65a30d',
]

export function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

const fmt = (v: number, digits = 2) => (Number.isInteger(v) ? String(v) : v.toFixed(digits))

export interface Series {
  readonly name: string
  readonly values: readonly (number | null)[]
}

function legend(series: readonly Series[], x: number, y: number): string {
  return series
    .map((s, i) => {
      const color = PALETTE[i % PALETTE.length]!
      return `<g class="legend" transform="translate(${x},${y + i * 18})"><rect width="12" height="12" fill="${color}"/><text x="18" y="10" font-size="12">${esc(s.name)}</text></g>`
    })
    .join('')
}

/**
 * Horizontal grouped bars: one group per label, one bar per series. `max` fixes the scale
 * (1 for accuracies); otherwise the largest value.
 */
export function groupedBars(options: {
  title: string
  labels: readonly string[]
  series: readonly Series[]
  max?: number
  format?: (v: number) => string
  id: string
}): string {
  const { labels, series } = options
  const barH = 12
  const groupH = series.length * barH + 10
  const longest = (names: readonly string[]) => Math.max(0, ...names.map((n) => n.length))
  // Room for the longest label on the left and the longest series name in the legend.
  const left = Math.min(420, 16 + 7 * longest(labels))
  const plotW = 420
  const legendW = Math.min(480, 40 + 7 * longest(series.map((s) => s.name)))
  const top = 30
  const height = top + labels.length * groupH + 30
  const legendH = series.length * 18 + top
  const total = Math.max(height, legendH)
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== null))
  const max = options.max ?? Math.max(1e-9, ...values)
  const format = options.format ?? ((v: number) => fmt(v))
  const bars: string[] = []
  labels.forEach((label, li) => {
    const gy = top + li * groupH
    bars.push(
      `<text x="${left - 8}" y="${gy + groupH / 2}" font-size="12" text-anchor="end" dominant-baseline="middle">${esc(label)}</text>`,
    )
    series.forEach((s, si) => {
      const v = s.values[li]
      if (v === null || v === undefined) return
      const w = Math.max(0.5, (v / max) * plotW)
      const y = gy + si * barH
      const color = PALETTE[si % PALETTE.length]!
      bars.push(
        `<rect class="bar" x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${color}"><title>${esc(`${s.name} · ${label}: ${format(v)}`)}</title></rect>`,
        `<text x="${left + w + 4}" y="${y + barH - 3}" font-size="10">${esc(format(v))}</text>`,
      )
    })
  })
  const axis = `<line x1="${left}" y1="${top - 4}" x2="${left}" y2="${top + labels.length * groupH}" stroke="#999"/>`
  return `<figure class="chart" id="${esc(options.id)}"><figcaption>${esc(options.title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(options.title)}" width="${left + plotW + 60 + legendW}" height="${total}" viewBox="0 0 ${left + plotW + 60 + legendW} ${total}" font-family="system-ui, sans-serif">${axis}${bars.join('')}${legend(series, left + plotW + 60, top)}</svg></figure>`
}

export interface Point {
  readonly name: string
  readonly x: number
  readonly y: number
}

/** Scatter plot with labelled points (accuracy versus cost). */
export function scatter(options: {
  title: string
  xLabel: string
  yLabel: string
  points: readonly Point[]
  id: string
  yMax?: number
  /** Points joined by a line, in order (a swept setting), drawn under the dots. */
  curve?: readonly Point[]
}): string {
  const w = 640
  const h = 360
  const m = { l: 60, r: 30, t: 20, b: 50 }
  const xs = options.points.map((p) => p.x)
  const xMax = Math.max(1e-12, ...xs) * 1.1
  const yMax = options.yMax ?? Math.max(1e-12, ...options.points.map((p) => p.y)) * 1.1
  const px = (x: number) => m.l + (x / xMax) * (w - m.l - m.r)
  const py = (y: number) => h - m.b - (y / yMax) * (h - m.t - m.b)
  const ticks = [0, 0.25, 0.5, 0.75, 1]
  const grid = ticks
    .map((t) => {
      const y = py(t * yMax)
      const x = px(t * xMax)
      return `<line x1="${m.l}" y1="${y}" x2="${w - m.r}" y2="${y}" stroke="#eee"/><text x="${m.l - 6}" y="${y + 4}" font-size="10" text-anchor="end">${fmt(t * yMax)}</text><text x="${x}" y="${h - m.b + 16}" font-size="10" text-anchor="middle">${(t * xMax).toPrecision(2)}</text>`
    })
    .join('')
  const dots = options.points
    .map((p, i) => {
      const color = PALETTE[i % PALETTE.length]!
      return `<circle class="point" cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="6" fill="${color}" fill-opacity="0.85"><title>${esc(`${p.name}: ${options.yLabel} ${fmt(p.y, 3)}, ${options.xLabel} ${p.x.toPrecision(3)}`)}</title></circle>`
    })
    .join('')
  const line = options.curve
    ? `<polyline class="curve" fill="none" stroke="#444" stroke-width="1.5" points="${options.curve.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ')}"/>`
    : ''
  const axes = `<line x1="${m.l}" y1="${h - m.b}" x2="${w - m.r}" y2="${h - m.b}" stroke="#999"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${h - m.b}" stroke="#999"/><text x="${(w + m.l) / 2}" y="${h - 12}" font-size="12" text-anchor="middle">${esc(options.xLabel)}</text><text transform="translate(16,${(h - m.b + m.t) / 2}) rotate(-90)" font-size="12" text-anchor="middle">${esc(options.yLabel)}</text>`
  const names = options.points.map((p) => ({ name: `${p.name} (${fmt(p.y, 3)})`, values: [] }))
  const legendW = 40 + 7 * Math.max(0, ...names.map((n) => n.name.length))
  const total = Math.max(h, 30 + names.length * 18)
  return `<figure class="chart" id="${esc(options.id)}"><figcaption>${esc(options.title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(options.title)}" width="${w + legendW}" height="${total}" viewBox="0 0 ${w + legendW} ${total}" font-family="system-ui, sans-serif">${grid}${axes}${line}${dots}${legend(names, w + 10, m.t)}</svg></figure>`
}
