// Flow: a Sankey diagram of the window's requests, signal/category (or decision) → model (or the
// router's own answer: blocked, cached, error) → endpoint, with counts and shares.
import { h, replace, s } from './dom.js'
import { int, pct, time } from './format.js'
import { state } from './state.js'

/**
 * @typedef {import('../../src/console/frames.js').FlowPath} FlowPath
 * @typedef {{ id: string, col: number, label: string, value: number, errors: number, color: string, y: number, h: number, outY: number, inY: number }} Node
 * @typedef {{ from: Node, to: Node, value: number, errors: number, color: string }} Link
 */

/** @type {Record<Exclude<FlowPath['outcome'], 'forwarded'>, { label: string, color: string }>} */
const OUTCOMES = {
  jailbreak_block: { label: 'blocked: jailbreak', color: '#dc2626' },
  pii_block: { label: 'blocked: PII', color: '#ea580c' },
  cache_hit: { label: 'answered from cache', color: '#0d9488' },
  fast_response: { label: 'answered by decision', color: '#854d0e' },
  error: { label: 'error', color: '#6b7280' },
}
const PALETTE = ['#2563eb', '#7c3aed', '#db2777', '#ca8a04', '#059669', '#0891b2', '#4f46e5']
const SOURCE_COLOR = '#64748b'
const WIDTH = 1100
const NODE_W = 12
const PAD = 12
const TOP = 28
const COLUMNS = [200, 560, 860]

/** @param {HTMLElement} root */
export function renderFlow(root) {
  const flow = state.flow
  if (!flow) return replace(root, h('p', { class: 'empty' }, 'Waiting for the router…'))
  const paths = flow.paths
  const blocked = sum(paths.filter((p) => p.outcome.endsWith('_block')))
  const cached = sum(paths.filter((p) => p.outcome === 'cache_hit'))
  const failed = paths.reduce((n, p) => n + p.errors, 0)
  replace(
    root,
    h('h2', {}, `Flow — last ${flow.windowMinutes} minutes`),
    h(
      'div',
      { class: 'kpis' },
      kpi(int(flow.total), 'requests', 'flow-total'),
      kpi(pct(flow.total ? blocked / flow.total : null), `blocked (${blocked})`, 'flow-blocked'),
      kpi(pct(flow.total ? cached / flow.total : null), `cache hits (${cached})`, 'flow-cached'),
      kpi(pct(flow.total ? failed / flow.total : null), `failed (${failed})`, 'flow-failed'),
      kpi(flow.total ? time(flow.since).slice(0, 8) : '–', 'counting since'),
    ),
    h(
      'div',
      { class: 'panel' },
      flow.total === 0
        ? h(
            'p',
            { class: 'empty' },
            'No requests in the window yet. Send one through the gateway or Envoy (ext_proc).',
          )
        : sankey(paths, flow.total),
      legend(),
    ),
  )
}

/** @param {FlowPath[]} paths */
function sum(paths) {
  return paths.reduce((n, p) => n + p.count, 0)
}

/**
 * @param {string} value
 * @param {string} label
 * @param {string} [testid]
 */
function kpi(value, label, testid) {
  return h('div', { class: 'kpi', 'data-testid': testid }, h('b', {}, value), h('span', {}, label))
}

function legend() {
  return h(
    'div',
    { class: 'legend' },
    h('span', {}, swatch(SOURCE_COLOR), 'signal / category / decision'),
    ...Object.values(OUTCOMES).map((o) => h('span', {}, swatch(o.color), o.label)),
  )
}

/** @param {string} color */
function swatch(color) {
  const i = h('i')
  i.style.background = color // CSSOM, allowed by the page's content security policy
  return i
}

/**
 * @param {readonly FlowPath[]} paths
 * @param {number} total
 */
function sankey(paths, total) {
  /** @type {Map<string, Node>} */
  const nodes = new Map()
  /** @type {Map<string, Link>} */
  const links = new Map()
  const models = [...new Set(paths.filter((p) => p.model !== '').map((p) => p.model))].sort()
  /**
   * @param {number} col
   * @param {string} label
   * @param {string} color
   * @param {FlowPath} p
   */
  const node = (col, label, color, p) => {
    const id = `${col}:${label}`
    let n = nodes.get(id)
    if (!n)
      nodes.set(
        id,
        (n = { id, col, label, value: 0, errors: 0, color, y: 0, h: 0, outY: 0, inY: 0 }),
      )
    n.value += p.count
    n.errors += p.errors
    return n
  }
  /**
   * @param {Node} from
   * @param {Node} to
   * @param {FlowPath} p
   */
  const link = (from, to, p) => {
    const id = `${from.id}>${to.id}`
    let l = links.get(id)
    if (!l)
      links.set(
        id,
        (l = { from, to, value: 0, errors: 0, color: to.col === 1 ? to.color : from.color }),
      )
    l.value += p.count
    l.errors += p.errors
  }
  for (const p of paths) {
    const source = node(0, p.source, SOURCE_COLOR, p)
    if (p.outcome !== 'forwarded') {
      const o = OUTCOMES[p.outcome]
      link(source, node(1, o.label, o.color, p), p)
      continue
    }
    const color = PALETTE[models.indexOf(p.model) % PALETTE.length] ?? PALETTE[0]
    const model = node(1, p.model, /** @type {string} */ (color), p)
    link(source, model, p)
    if (p.endpoint !== '') link(model, node(2, p.endpoint, '#334155', p), p)
  }
  const columns = [0, 1, 2].map((c) =>
    [...nodes.values()]
      .filter((n) => n.col === c)
      .sort((a, b) => outcomeLast(a) - outcomeLast(b) || b.value - a.value),
  )
  const tallest = Math.max(...columns.map((c) => c.length))
  const height = Math.max(320, tallest * 34 + TOP + 20)
  const scale = Math.min(
    ...columns
      .filter((c) => c.length > 0)
      .map((c) => (height - TOP - 10 - PAD * (c.length - 1)) / c.reduce((n, x) => n + x.value, 0)),
  )
  for (const column of columns) {
    let y = TOP
    for (const n of column) {
      n.y = n.outY = n.inY = y
      n.h = Math.max(2, n.value * scale)
      y += n.h + PAD
    }
  }
  const ordered = [...links.values()].sort((a, b) => a.from.y - b.from.y || a.to.y - b.to.y)
  const svg = s('svg', {
    class: 'sankey',
    viewBox: `0 0 ${WIDTH} ${height}`,
    role: 'img',
    'aria-label': 'Request flow',
  })
  svg.append(
    s(
      'text',
      { x: COLUMNS[0], y: 14, class: 'col-title', 'text-anchor': 'end' },
      'signal / category',
    ),
    s('text', { x: COLUMNS[1], y: 14, class: 'col-title' }, 'model / router answer'),
    s('text', { x: COLUMNS[2], y: 14, class: 'col-title' }, 'endpoint'),
  )
  for (const l of ordered) svg.append(drawLink(l, scale, total))
  for (const n of nodes.values()) svg.append(drawNode(n, total))
  return svg
}

/** @param {Node} n */
function outcomeLast(n) {
  return Object.values(OUTCOMES).some((o) => o.label === n.label) ? 1 : 0
}

/**
 * @param {Link} l
 * @param {number} scale
 * @param {number} total
 */
function drawLink(l, scale, total) {
  const w = Math.max(1, l.value * scale)
  const x0 = /** @type {number} */ (COLUMNS[l.from.col]) + NODE_W
  const x1 = /** @type {number} */ (COLUMNS[l.to.col])
  const y0 = l.from.outY + w / 2
  const y1 = l.to.inY + w / 2
  l.from.outY += w
  l.to.inY += w
  const xm = (x0 + x1) / 2
  const failed = l.errors > 0 ? `, ${l.errors} failed` : ''
  return s(
    'path',
    {
      class: 'link',
      d: `M${x0},${y0} C${xm},${y0} ${xm},${y1} ${x1},${y1}`,
      stroke: l.errors > l.value / 2 ? '#dc2626' : l.color,
      'stroke-width': w.toFixed(1),
      'data-link': `${l.from.label}→${l.to.label}`,
      'data-count': l.value,
    },
    s(
      'title',
      {},
      `${l.from.label} → ${l.to.label}: ${l.value} (${pct(l.value / total)})${failed}`,
    ),
  )
}

/**
 * @param {Node} n
 * @param {number} total
 */
function drawNode(n, total) {
  const x = /** @type {number} */ (COLUMNS[n.col])
  const left = n.col === 0
  const failing = n.col === 2 && n.errors > n.value / 2
  return s(
    'g',
    { 'data-node': `${['source', 'model', 'endpoint'][n.col]}:${n.label}`, 'data-count': n.value },
    s('rect', {
      x,
      y: n.y,
      width: NODE_W,
      height: n.h,
      rx: 2,
      fill: failing ? '#dc2626' : n.color,
    }),
    s(
      'text',
      {
        x: left ? x - 6 : x + NODE_W + 6,
        y: n.y + n.h / 2 + 4,
        'text-anchor': left ? 'end' : 'start',
        class: 'label',
      },
      n.label,
      s('tspan', { class: 'count', dx: 6 }, `${n.value} · ${pct(n.value / total)}`),
    ),
    s('title', {}, `${n.label}: ${n.value} requests${n.errors ? `, ${n.errors} failed` : ''}`),
  )
}
