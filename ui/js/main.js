// Console entry point: hash routing between the views, the live stream, redraws batched to one
// per animation frame.
import { apiKey, openStream, setApiKey } from './api.js'
import { renderConfig } from './config.js'
import { renderDecisions } from './decisions.js'
import { renderFlow } from './flow.js'
import { renderModels } from './models.js'
import { renderPlayground } from './playground.js'
import { applyFrame, emit, on, state } from './state.js'

/** @typedef {'flow' | 'decisions' | 'models' | 'playground' | 'config'} View */

/** @type {Record<View, { topics: import('./state.js').Topic[], render: (root: HTMLElement, arg?: string) => void }>} */
const VIEWS = {
  flow: { topics: ['flow'], render: renderFlow },
  decisions: { topics: ['decisions'], render: renderDecisions },
  models: { topics: ['models'], render: renderModels },
  playground: { topics: ['models'], render: renderPlayground },
  config: { topics: ['config'], render: renderConfig },
}

/** @returns {{ view: View, arg: string | undefined }} */
function route() {
  const [, name, arg] = location.hash.split('/')
  const view = /** @type {View} */ (name && name in VIEWS ? name : 'flow')
  return { view, arg: arg === undefined ? undefined : decodeURIComponent(arg) }
}

/** @param {View} view */
function rootOf(view) {
  return /** @type {HTMLElement} */ (document.getElementById(`view-${view}`))
}

let scheduled = false
function draw() {
  if (scheduled) return
  scheduled = true
  requestAnimationFrame(() => {
    scheduled = false
    const { view, arg } = route()
    const root = rootOf(view)
    const scrolls = [...root.querySelectorAll('.table-scroll')].map((e) => e.scrollTop)
    VIEWS[view].render(root, arg)
    root.querySelectorAll('.table-scroll').forEach((e, i) => (e.scrollTop = scrolls[i] ?? 0))
  })
}

function show() {
  const { view } = route()
  for (const name of /** @type {View[]} */ (Object.keys(VIEWS))) rootOf(name).hidden = name !== view
  for (const a of document.querySelectorAll('#nav a'))
    if (a instanceof HTMLElement)
      a.setAttribute('aria-current', a.dataset['view'] === view ? 'page' : 'false')
  draw()
}

for (const [name, v] of Object.entries(VIEWS))
  for (const topic of v.topics) on(topic, () => route().view === name && draw())

on('connection', () => {
  const el = /** @type {HTMLElement} */ (document.getElementById('conn'))
  el.dataset['state'] = state.connection
  el.textContent =
    state.connection === 'live'
      ? 'live'
      : state.connection === 'error'
        ? `offline: ${state.connectionDetail}`
        : 'connecting…'
  el.title = state.version ? `router ${state.version}` : ''
})

const keyDialogEl = /** @type {HTMLDialogElement} */ (document.getElementById('key-dialog'))

/** Ask for the API key (the router answered 401: the API listener requires one). */
function askForKey() {
  const input = /** @type {HTMLInputElement} */ (document.getElementById('key-input'))
  if (keyDialogEl.open) return
  input.value = apiKey()
  keyDialogEl.showModal()
}

function keyDialog() {
  const dialog = keyDialogEl
  const button = /** @type {HTMLElement} */ (document.getElementById('key-button'))
  const input = /** @type {HTMLInputElement} */ (document.getElementById('key-input'))
  button.addEventListener('click', askForKey)
  dialog.addEventListener('close', () => {
    if (dialog.returnValue === 'save') setApiKey(input.value.trim())
    if (dialog.returnValue === 'clear') setApiKey('')
    if (dialog.returnValue !== '') location.reload()
  })
}

window.addEventListener('hashchange', show)
keyDialog()
show()
let askedForKey = false
openStream(applyFrame, (connection, detail, status) => {
  state.connection = connection
  state.connectionDetail = status === 401 ? 'API key needed (key)' : (detail ?? '')
  emit('connection')
  // Once per page: a wrong key keeps failing, and the key button stays there to try again.
  if (status === 401 && !askedForKey) {
    askedForKey = true
    askForKey()
  }
})
