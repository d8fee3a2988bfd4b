// The console's client-side state, filled from the stream. Views subscribe and redraw.

/**
 * @typedef {import('../../src/runtime/events.js').DecisionEvent} DecisionEvent
 * @typedef {import('../../src/console/frames.js').FlowFrame} FlowFrame
 * @typedef {import('../../src/console/frames.js').ModelsFrame} ModelsFrame
 * @typedef {import('../../src/console/frames.js').ConfigSummary} ConfigSummary
 * @typedef {import('../../src/console/frames.js').HelloFrame} HelloFrame
 * @typedef {import('../../src/console/frames.js').StreamFrames} StreamFrames
 * @typedef {'decisions' | 'flow' | 'models' | 'config' | 'connection'} Topic
 */

export const state = {
  /** @type {HelloFrame['settings'] | null} */
  settings: null,
  version: '',
  /** Newest first. @type {DecisionEvent[]} */
  decisions: [],
  /** Ids that arrived in the latest update (highlighted). @type {Set<string>} */
  fresh: new Set(),
  /** Finished requests the server did not send because an update held too many. */
  omitted: 0,
  /** @type {FlowFrame | null} */
  flow: null,
  /** @type {ModelsFrame | null} */
  models: null,
  /** @type {ConfigSummary | null} */
  config: null,
  /** @type {'connecting' | 'live' | 'error'} */
  connection: 'connecting',
  connectionDetail: '',
}

/** @type {Map<Topic, Set<() => void>>} */
const listeners = new Map()

/**
 * @param {Topic} topic
 * @param {() => void} fn
 */
export function on(topic, fn) {
  let set = listeners.get(topic)
  if (!set) listeners.set(topic, (set = new Set()))
  set.add(fn)
}

/** @param {Topic} topic */
export function emit(topic) {
  for (const fn of listeners.get(topic) ?? []) fn()
}

/**
 * @template {keyof StreamFrames} K
 * @param {K} event
 * @param {StreamFrames[K]} data
 */
export function applyFrame(event, data) {
  switch (event) {
    case 'hello': {
      const hello = /** @type {HelloFrame} */ (data)
      state.settings = hello.settings
      state.version = hello.version
      state.decisions = [...hello.decisions].reverse()
      state.fresh = new Set()
      state.omitted = 0
      state.flow = hello.flow
      state.models = hello.models
      state.config = hello.config
      for (const t of /** @type {Topic[]} */ (['decisions', 'flow', 'models', 'config'])) emit(t)
      return
    }
    case 'decisions': {
      const frame = /** @type {StreamFrames['decisions']} */ (data)
      const limit = state.settings?.recentLimit ?? 500
      state.fresh = new Set(frame.events.map((e) => e.id))
      state.decisions = [...[...frame.events].reverse(), ...state.decisions].slice(0, limit)
      state.omitted += frame.omitted
      emit('decisions')
      return
    }
    case 'flow':
      state.flow = /** @type {FlowFrame} */ (data)
      emit('flow')
      return
    case 'models':
      state.models = /** @type {ModelsFrame} */ (data)
      emit('models')
      return
    case 'config':
      state.config = /** @type {ConfigSummary} */ (data)
      emit('config')
      return
  }
}

/** @param {string} id */
export function findDecision(id) {
  return state.decisions.find((d) => d.id === id)
}
