// Playground: what the router would do with a prompt — the same path as `semantic-router classify`
// (nothing is sent to a model, nothing is cached or counted as traffic).
import { postJson } from './api.js'
import { h, replace } from './dom.js'
import { explain } from './explain.js'
import { ms, num, pct } from './format.js'
import { state } from './state.js'

/** @typedef {import('../../src/console/frames.js').PlaygroundResult} PlaygroundResult */

/** Kept across redraws so the form keeps what was typed. */
const form = { text: '', model: '', busy: false }
/** @type {PlaygroundResult | null} */
let result = null
let error = ''

/** @param {HTMLElement} root */
export function renderPlayground(root) {
  const models = state.models?.models.rows.map((r) => String(r['name'])) ?? []
  // Redraw only when the model list changed (typing and results survive either way).
  if (root.dataset['models'] === models.join('\n') && root.querySelector('textarea')) return
  root.dataset['models'] = models.join('\n')
  const output = h('div', { 'data-testid': 'playground-output' })
  const textarea = /** @type {HTMLTextAreaElement} */ (
    h('textarea', { rows: 5, placeholder: 'Type a prompt…', 'data-testid': 'playground-text' })
  )
  textarea.value = form.text
  textarea.addEventListener('input', () => (form.text = textarea.value))
  const select = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { 'data-testid': 'playground-model' },
      h('option', { value: '' }, 'auto (the router chooses)'),
      models.map((m) => h('option', { value: m }, m)),
    )
  )
  select.value = form.model
  select.addEventListener('change', () => (form.model = select.value))
  const button = /** @type {HTMLButtonElement} */ (
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'playground-run' }, 'Route it')
  )
  const submit = async (/** @type {Event} */ ev) => {
    ev.preventDefault()
    if (form.text.trim() === '') return
    button.disabled = true
    try {
      result = await postJson('api/playground', {
        text: form.text,
        ...(form.model ? { model: form.model } : {}),
      })
      error = ''
    } catch (err) {
      error = err instanceof Error ? err.message : String(err)
      result = null
    } finally {
      button.disabled = false
    }
    drawResult(output)
  }
  replace(
    root,
    h('h2', {}, 'Playground'),
    h(
      'form',
      { class: 'panel', onsubmit: submit },
      textarea,
      h(
        'div',
        { class: 'form-row' },
        h('label', {}, 'model ', select),
        button,
        h(
          'span',
          { class: 'muted' },
          'Nothing is sent to a model; the decision is the one `semantic-router classify` prints.',
        ),
      ),
    ),
    output,
  )
  drawResult(output)
}

/** @param {HTMLElement} output */
function drawResult(output) {
  if (error !== '') return replace(output, h('div', { class: 'error-box' }, error))
  if (!result) return replace(output)
  const r = result
  replace(
    output,
    h(
      'div',
      { class: 'row' },
      h(
        'div',
        { class: 'grow' },
        h(
          'div',
          { class: 'panel' },
          h('h3', {}, `Decision (${ms(r.processingMs)})`),
          h('pre', { 'data-testid': 'playground-decision' }, JSON.stringify(r.decision, null, 2)),
        ),
        h('div', { class: 'panel' }, h('h3', {}, 'Category probabilities'), bars(r.probabilities)),
        h('div', { class: 'panel' }, h('h3', {}, 'Guards'), guards(r)),
      ),
      h('div', { class: 'panel why-panel' }, explain(r.explanation)),
    ),
  )
}

/** @param {PlaygroundResult['probabilities']} probabilities */
function bars(probabilities) {
  if (probabilities.length === 0)
    return h(
      'p',
      { class: 'muted' },
      'No distribution (the category came from a rule, or no category model ran).',
    )
  return h(
    'div',
    { class: 'bars', 'data-testid': 'playground-probabilities' },
    probabilities.slice(0, 14).flatMap((p, i) => {
      const fill = h('i')
      fill.style.width = `${Math.max(0.5, p.probability * 100)}%`
      return [
        h('span', {}, p.category),
        h('div', { class: `bar${i === 0 ? ' best' : ''}` }, fill),
        h('span', { class: 'num' }, pct(p.probability)),
      ]
    }),
  )
}

/** @param {PlaygroundResult} r */
function guards(r) {
  const j = r.guards.jailbreak
  const p = r.guards.pii
  return h(
    'dl',
    { 'data-testid': 'playground-guards' },
    h('dt', {}, 'jailbreak'),
    h(
      'dd',
      {},
      !j
        ? 'guard off'
        : h(
            'span',
            {},
            h(
              'span',
              { class: `tag ${j.isJailbreak ? 'bad' : 'ok'}` },
              j.isJailbreak ? j.label : 'benign',
            ),
            ` confidence ${num(j.confidence)} · threshold ${num(j.threshold)} · ${j.detector}`,
          ),
    ),
    h('dt', {}, 'PII'),
    h(
      'dd',
      {},
      !p
        ? 'detector off'
        : p.entities.length === 0
          ? 'none found'
          : h(
              'span',
              {},
              p.entities.map((e) =>
                h('span', { class: 'tag warn' }, `${e.type} ${num(e.confidence)}`),
              ),
              p.deniedBySelectedModel.length > 0
                ? ` · denied for the selected model: ${p.deniedBySelectedModel.join(', ')}`
                : '',
            ),
    ),
  )
}
