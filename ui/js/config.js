// Config: the active config (secrets redacted), its hash, the last reload and its problems.
import { getJson } from './api.js'
import { h, replace } from './dom.js'
import { ago, time } from './format.js'
import { state } from './state.js'

/**
 * @typedef {import('../../src/console/frames.js').ConfigView} ConfigView
 * @typedef {import('../../src/console/frames.js').ConfigProblem} ConfigProblem
 */

let showFile = false
/** @type {ConfigView | null} */
let view = null
let loadedHash = ''
let loadedReload = 0
let error = ''

/** @param {HTMLElement} root */
export function renderConfig(root) {
  const summary = state.config
  const wanted = `${summary?.hash ?? ''}`
  const reloadAt = summary?.lastReload?.at ?? 0
  if (summary && (wanted !== loadedHash || reloadAt !== loadedReload)) {
    loadedHash = wanted
    loadedReload = reloadAt
    getJson('api/config').then(
      (v) => {
        view = /** @type {ConfigView} */ (v)
        error = ''
        renderConfig(root)
      },
      (err) => {
        error = err instanceof Error ? err.message : String(err)
        view = null
        renderConfig(root)
      },
    )
  }
  if (error !== '')
    return replace(
      root,
      h('h2', {}, 'Config'),
      h('div', { class: 'error-box' }, `Config unavailable: ${error}`),
    )
  if (!view) return replace(root, h('h2', {}, 'Config'), h('p', { class: 'empty' }, 'Loading…'))
  const v = view
  const reload = v.lastReload
  replace(
    root,
    h('h2', {}, 'Config'),
    h(
      'div',
      { class: 'panel' },
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'source'),
        h('dd', { class: 'mono' }, v.source),
        h('dt', {}, 'hash (sha256)'),
        h('dd', { class: 'mono', 'data-testid': 'config-hash' }, v.hash),
        h('dt', {}, 'serving since'),
        h('dd', {}, `${time(v.activeSince)} (${ago(v.activeSince)})`),
        h('dt', {}, 'last reload'),
        h(
          'dd',
          { 'data-testid': 'config-reload' },
          reload
            ? h(
                'span',
                {},
                h(
                  'span',
                  { class: `tag ${reload.ok ? 'ok' : 'bad'}` },
                  reload.ok ? (reload.changed ? 'applied' : 'unchanged') : 'refused',
                ),
                ` ${time(reload.at)} (${ago(reload.at)})`,
                reload.error
                  ? h(
                      'span',
                      { class: 'muted' },
                      ` — ${reload.error}; the previous config keeps serving`,
                    )
                  : '',
              )
            : h('span', { class: 'muted' }, 'none since start'),
        ),
      ),
      reload &&
        reload.problems.length > 0 &&
        problems('Problems in the refused file', reload.problems),
      v.warnings.length > 0 && problems('Warnings in the active config', v.warnings),
    ),
    h(
      'div',
      { class: 'panel' },
      h(
        'div',
        { class: 'form-row' },
        h('b', {}, showFile ? 'The file as written' : 'Effective config (defaults filled in)'),
        v.file !== undefined &&
          h(
            'button',
            {
              type: 'button',
              class: 'link-dark',
              onclick: () => {
                showFile = !showFile
                renderConfig(root)
              },
            },
            showFile ? 'show effective config' : 'show the file as written',
          ),
        h('span', { class: 'muted' }, 'Secrets are redacted.'),
      ),
      h(
        'pre',
        { 'data-testid': 'config-text' },
        showFile && v.file !== undefined ? v.file : v.effective,
      ),
    ),
  )
}

/**
 * @param {string} title
 * @param {readonly ConfigProblem[]} list
 */
function problems(title, list) {
  return h(
    'div',
    {},
    h('h3', {}, title),
    h(
      'table',
      { 'data-testid': 'config-problems' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, ''),
          h('th', {}, 'path'),
          h('th', {}, 'line'),
          h('th', {}, 'problem'),
        ),
      ),
      h(
        'tbody',
        {},
        list.map((p) =>
          h(
            'tr',
            {},
            h(
              'td',
              {},
              h('span', { class: `tag ${p.severity === 'error' ? 'bad' : 'warn'}` }, p.severity),
            ),
            h('td', { class: 'mono' }, p.path),
            h('td', {}, p.line === undefined ? '' : String(p.line)),
            h('td', {}, p.message),
          ),
        ),
      ),
    ),
  )
}
