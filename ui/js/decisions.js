// Decisions: the recent requests, newest first, and the detail of the selected one.
import { getJson } from './api.js'
import { h, replace } from './dom.js'
import { explain } from './explain.js'
import { int, money, ms, num, time } from './format.js'
import { findDecision, state } from './state.js'

/** @typedef {import('../../src/runtime/events.js').DecisionEvent} DecisionEvent */

/** Rows drawn at most (the rest stay in memory for the detail view). */
const MAX_ROWS = 200

/**
 * @param {HTMLElement} root
 * @param {string | undefined} selected request id from the URL
 */
export function renderDecisions(root, selected) {
  const rows = state.decisions.slice(0, MAX_ROWS)
  let detail = null
  if (selected) {
    detail = h(
      'div',
      { class: 'panel why-panel' },
      h('a', { href: '#/decisions', class: 'close', title: 'close' }, '×'),
    )
    showDetail(detail, selected)
  }
  replace(
    root,
    h('h2', {}, 'Decisions'),
    h(
      'p',
      { class: 'muted' },
      `${state.decisions.length} recent requests`,
      state.omitted > 0 ? ` (${int(state.omitted)} more arrived too fast to list)` : '',
      state.settings?.showPrompts
        ? ' · prompt excerpts are ON (console.show_prompts)'
        : ' · prompt text is never shown',
      ' · select a row to see why it went where it went',
    ),
    h(
      'div',
      { class: 'row' },
      h(
        'div',
        { class: 'panel grow table-scroll' },
        rows.length === 0 ? h('p', { class: 'empty' }, 'No requests yet.') : table(rows, selected),
      ),
      detail,
    ),
  )
}

/**
 * @param {DecisionEvent[]} rows
 * @param {string | undefined} selected
 */
function table(rows, selected) {
  const head = [
    'time',
    'request',
    'category / decision',
    'reasoning',
    'model',
    'endpoint',
    'cache · guards',
    'tokens',
    'cost',
    'latency',
    'status',
  ]
  const numeric = new Set(['tokens', 'cost', 'latency', 'status'])
  return h(
    'table',
    { 'data-testid': 'decisions-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((c) => h('th', { class: numeric.has(c) ? 'num' : null }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((e) => row(e, e.id === selected)),
    ),
  )
}

/**
 * @param {DecisionEvent} e
 * @param {boolean} selected
 */
function row(e, selected) {
  const open = () => {
    location.hash = `#/decisions/${encodeURIComponent(e.id)}`
  }
  return h(
    'tr',
    {
      class: `clickable${state.fresh.has(e.id) ? ' fresh' : ''}`,
      'data-id': e.id,
      'data-transport': e.transport,
      'aria-selected': selected ? 'true' : 'false',
      onclick: open,
    },
    h('td', {}, time(e.at)),
    h(
      'td',
      { class: 'mono', title: e.id },
      e.id.slice(0, 8),
      e.transport === 'extproc'
        ? h('span', { class: 'tag', title: 'through Envoy (ext_proc)' }, 'envoy')
        : '',
    ),
    h('td', {}, source(e)),
    h('td', {}, reasoningTag(e)),
    h('td', {}, e.outcome === 'forwarded' ? e.upstreamModel : outcomeTag(e)),
    h('td', {}, e.endpoint?.name ?? '–'),
    h('td', {}, flags(e)),
    h('td', { class: 'num' }, e.usage ? int(e.usage.totalTokens) : '–'),
    h('td', { class: 'num' }, e.cost ? money(e.cost.amount, e.cost.currency) : '–'),
    h('td', { class: 'num' }, ms(e.latencyMs)),
    h(
      'td',
      { class: 'num' },
      h(
        'span',
        { class: `tag ${e.status >= 400 || e.error ? 'bad' : 'ok'}` },
        String(e.status || '–'),
      ),
    ),
  )
}

/** @param {DecisionEvent} e */
function reasoningTag(e) {
  if (!e.reasoning) return '–'
  if (!e.reasoning.enabled) return 'off'
  return h('span', { class: 'tag on' }, e.reasoning.effort ? `on · ${e.reasoning.effort}` : 'on')
}

/** @param {DecisionEvent} e */
function outcomeTag(e) {
  switch (e.outcome) {
    case 'jailbreak_block':
      return h('span', { class: 'tag bad' }, 'blocked: jailbreak')
    case 'pii_block':
      return h('span', { class: 'tag bad' }, 'blocked: PII')
    case 'cache_hit':
      return h('span', { class: 'tag cache' }, 'cache')
    case 'fast_response':
      return h('span', { class: 'tag on' }, 'fast response')
    default:
      return h('span', { class: 'tag warn' }, e.outcome)
  }
}

/** @param {DecisionEvent} e */
function source(e) {
  const name = e.decision ? `◆ ${e.decision}` : e.category
  if (!name) return h('span', { class: 'muted' }, e.autoRouted ? 'no category' : 'model named')
  return h('span', {}, name, h('span', { class: 'muted' }, ` ${num(e.confidence)}`))
}

/** @param {DecisionEvent} e */
function flags(e) {
  const tags = []
  if (e.cache?.hit) tags.push(h('span', { class: 'tag cache' }, 'cache hit'))
  const j = e.guards.jailbreak
  if (j?.blocked) tags.push(h('span', { class: 'tag bad' }, 'jailbreak'))
  const p = e.guards.pii
  if (p && p.types.length > 0)
    tags.push(
      h('span', { class: `tag ${p.action === 'allowed' ? '' : 'warn'}` }, `PII ${p.action}`),
    )
  return tags.length ? tags : h('span', { class: 'muted' }, '–')
}

/**
 * @param {HTMLElement} panel
 * @param {string} id
 */
function showDetail(panel, id) {
  const known = findDecision(id)
  if (known) return panel.append(explain(known))
  panel.append(h('p', { class: 'muted' }, 'Loading…'))
  getJson(`api/decision?id=${encodeURIComponent(id)}`).then(
    (e) => replace(panel, explain(/** @type {DecisionEvent} */ (e))),
    () =>
      replace(
        panel,
        h('p', { class: 'muted' }, `Request ${id} is no longer in the recent window.`),
      ),
  )
}
