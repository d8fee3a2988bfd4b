// Models and endpoints: tables drawn from whatever columns the router sends (new figures appear
// without a front-end change).
import { h, replace } from './dom.js'
import { ago, cell } from './format.js'
import { state } from './state.js'

/**
 * @typedef {import('../../src/console/frames.js').StatusTable} StatusTable
 * @typedef {import('../../src/console/frames.js').ColumnFormat} ColumnFormat
 */

const NUMERIC = new Set(['int', 'number', 'ms', 'pct', 'money', 'rate'])

/** @param {HTMLElement} root */
export function renderModels(root) {
  const models = state.models
  if (!models) return replace(root, h('p', { class: 'empty' }, 'Waiting for the router…'))
  replace(
    root,
    h('h2', {}, 'Models and endpoints'),
    h(
      'p',
      { class: 'muted' },
      `Updated ${ago(models.at)}. Recent figures (in flight, rate, latency, errors, health) come from traffic seen while a console is open; completions, tokens, cost and errors are totals since the router started; outlier state, ejections, picks and the selection columns are the router's own, console or not.`,
    ),
    h('div', { class: 'panel' }, h('h3', {}, 'Models'), table(models.models, 'models-table')),
    h(
      'div',
      { class: 'panel' },
      h('h3', {}, 'Endpoints'),
      table(models.endpoints, 'endpoints-table'),
    ),
  )
}

/**
 * @param {StatusTable} t
 * @param {string} testid
 */
function table(t, testid) {
  return h(
    'table',
    { 'data-testid': testid },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        t.columns.map((c) =>
          h('th', { class: NUMERIC.has(c.format) ? 'num' : null, title: c.title ?? null }, c.label),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      t.rows.map((row) =>
        h(
          'tr',
          { 'data-name': String(row['name']) },
          t.columns.map((c) => {
            const value = row[c.key] ?? null
            if (c.format === 'health') return h('td', { 'data-key': c.key }, health(String(value)))
            return h(
              'td',
              { class: NUMERIC.has(c.format) ? 'num' : null, 'data-key': c.key },
              cell(c.format, value),
            )
          }),
        ),
      ),
    ),
  )
}

/** @param {string} value */
function health(value) {
  const tone =
    value === 'healthy'
      ? 'ok'
      : value === 'failing' || value === 'ejected' || value === 'unhealthy'
        ? 'bad'
        : value === 'degraded' || value === 'half_open' || value === 'cooling_down'
          ? 'warn'
          : ''
  return h('span', { class: `tag ${tone}` }, value)
}
