// Why a request went where it went: one sentence, then the evidence (signals), the candidates
// and the score that won, the guards, reasoning, cache and what the request cost.
import { h } from './dom.js'
import { int, money, ms, num, pct, time } from './format.js'

/** @typedef {import('../../src/runtime/events.js').DecisionEvent} DecisionEvent */

/** @param {DecisionEvent} e */
export function summary(e) {
  const where = e.endpoint ? ` on ${e.endpoint.name} (${e.endpoint.address})` : ''
  switch (e.outcome) {
    case 'jailbreak_block': {
      const j = e.guards.jailbreak
      const score = j ? ` scored it ${num(j.probability)} (threshold ${num(j.threshold)})` : ''
      return `Blocked before any model saw it: the jailbreak guard${score}${j?.type ? `, type ${j.type}` : ''}.`
    }
    case 'pii_block': {
      const p = e.guards.pii
      return `Refused: the prompt contains ${p?.types.join(', ') || 'PII'}, which ${e.selectedModel}'s PII policy does not allow (${p?.denied.join(', ') || '?'}).`
    }
    case 'cache_hit':
      return `Answered from the semantic cache${e.cache?.similarity === undefined ? '' : ` (similarity ${num(e.cache.similarity)})`}; no model was called.`
    case 'fast_response':
      return `Answered by the router itself: decision “${e.decision ?? e.category}” has a fast_response plugin; no model was called.`
    case 'models':
      return 'Model list answered by the router.'
    case 'error':
    case 'rejected':
      return `Failed before reaching a model: ${e.error ?? `status ${e.status}`}.`
    case 'forwarded':
      break
  }
  if (!e.autoRouted) return `The client named ${e.requestedModel}; sent as asked${where}.`
  const parts = []
  if (e.decision) parts.push(`Decision “${e.decision}” matched`)
  else if (e.category !== '')
    parts.push(
      `The ${sourceName(e.classifier?.source)} read the prompt as ${e.category} (confidence ${num(e.confidence)})`,
    )
  else
    parts.push(
      `No confident category${e.classifier ? ` (best guess ${e.classifier.label}, ${num(e.confidence || (e.classifier.top?.[0]?.probability ?? 0))})` : ''}`,
    )
  const chosen = e.candidates.find((c) => c.chosen)
  if (e.reasonCode === 'pii_policy_alternative_selected')
    parts.push(
      `${e.selectedModel} was chosen because the prompt's PII is not allowed for the better-scored model`,
    )
  else if (chosen) parts.push(`${e.selectedModel} has the best score for it (${num(chosen.score)})`)
  else parts.push(`so it went to ${e.selectedModel}`)
  const reasoning = e.reasoning
    ? e.reasoning.enabled
      ? `Reasoning on (${[e.reasoning.effort, e.reasoning.family ? `${e.reasoning.family} template` : ''].filter(Boolean).join(', ') || 'default effort'}).`
      : 'Reasoning off.'
    : ''
  const sent = e.endpoint ? ` Sent to ${e.endpoint.name} (${e.endpoint.address}).` : ''
  return `${parts.join('; ')}.${sent} ${reasoning}`.trim()
}

/** @param {string | undefined} source */
function sourceName(source) {
  switch (source) {
    case 'keyword':
      return 'keyword rules'
    case 'embedding':
      return 'embedding rules'
    case 'model':
      return 'category model'
    default:
      return source ?? 'classifier'
  }
}

/**
 * The detail panel for one request.
 * @param {DecisionEvent} e
 */
export function explain(e) {
  return h(
    'div',
    { class: 'why', 'data-testid': 'decision-detail', 'data-id': e.id },
    h('h3', {}, 'Why'),
    h('p', { class: 'summary', 'data-testid': 'why-summary' }, summary(e)),
    e.signals.length > 0 &&
      h(
        'div',
        {},
        h('h3', {}, 'Signals'),
        h(
          'ul',
          { class: 'evidence', 'data-testid': 'why-signals' },
          e.signals.map((sig) =>
            h(
              'li',
              { class: sig.matched ? 'hit' : 'miss' },
              h('b', {}, `${sig.kind}: ${sig.name}`),
              sig.value === undefined ? '' : ` ${num(sig.value)}`,
              sig.detail ? h('span', { class: 'muted' }, ` — ${sig.detail}`) : '',
            ),
          ),
        ),
      ),
    e.candidates.length > 0 &&
      h(
        'div',
        {},
        h('h3', {}, 'Candidates'),
        h(
          'table',
          { 'data-testid': 'why-candidates' },
          h(
            'thead',
            {},
            h('tr', {}, h('th', {}, 'model'), h('th', { class: 'num' }, 'score'), h('th', {}, '')),
          ),
          h(
            'tbody',
            {},
            e.candidates.map((c) =>
              h(
                'tr',
                { 'aria-selected': c.chosen ? 'true' : 'false' },
                h('td', {}, c.model),
                h('td', { class: 'num' }, num(c.score)),
                h(
                  'td',
                  {},
                  c.chosen
                    ? h('span', { class: 'tag ok' }, 'chosen')
                    : c.excluded
                      ? h('span', { class: 'tag bad' }, c.excluded)
                      : '',
                ),
              ),
            ),
          ),
        ),
      ),
    h('h3', {}, 'Request'),
    facts(e),
    e.prompt !== undefined && h('div', {}, h('h3', {}, 'Prompt (excerpt)'), h('pre', {}, e.prompt)),
  )
}

/** @param {DecisionEvent} e */
function facts(e) {
  /** @type {[string, string | Node][]} */
  const rows = [
    ['request id', h('span', { class: 'mono' }, e.id)],
    ['finished', time(e.at)],
    ['transport', e.transport === 'extproc' ? 'Envoy ext_proc' : 'gateway'],
    ['asked for', e.requestedModel],
    ['outcome', e.status ? `${e.outcome} (HTTP ${e.status})` : e.outcome],
  ]
  if (e.decision) rows.push(['decision', e.decision])
  rows.push(['category', e.category === '' ? '–' : `${e.category} (${num(e.confidence)})`])
  if (e.classifier)
    rows.push([
      'classifier',
      `${e.classifier.source}${e.classifier.detail ? ` · ${e.classifier.detail}` : ''}`,
    ])
  rows.push([
    'selected',
    e.upstreamModel === e.selectedModel
      ? e.selectedModel
      : `${e.selectedModel} (as ${e.upstreamModel})`,
  ])
  rows.push(['reason', e.reasonCode || '–'])
  if (e.reasoning)
    rows.push([
      'reasoning',
      `${e.reasoning.enabled ? 'on' : 'off'}${e.reasoning.effort ? `, effort ${e.reasoning.effort}` : ''}${e.reasoning.family ? ` · ${e.reasoning.family}` : ''} · ${e.reasoning.reason}`,
    ])
  rows.push(['system prompt', e.systemPromptInjected ? 'injected' : 'no'])
  if (e.endpoint) rows.push(['endpoint', `${e.endpoint.name} (${e.endpoint.address})`])
  const j = e.guards.jailbreak
  if (j)
    rows.push([
      'jailbreak guard',
      `${j.blocked ? 'BLOCKED' : 'passed'} · ${num(j.probability)} vs threshold ${num(j.threshold)}`,
    ])
  const p = e.guards.pii
  if (p)
    rows.push([
      'PII',
      `${p.types.length ? p.types.join(', ') : 'none found'} · ${p.action}${p.denied.length ? ` (denied: ${p.denied.join(', ')})` : ''}`,
    ])
  if (e.cache) rows.push(['cache', e.cache.hit ? `hit (${num(e.cache.similarity ?? 1)})` : 'miss'])
  if (e.usage)
    rows.push(['tokens', `${int(e.usage.promptTokens)} in · ${int(e.usage.completionTokens)} out`])
  if (e.cost) rows.push(['cost', money(e.cost.amount, e.cost.currency)])
  rows.push([
    'latency',
    `${ms(e.latencyMs)} (routing ${ms(e.routingLatencyMs)}${e.ttftMs === undefined ? '' : `, first token ${ms(e.ttftMs)}`})`,
  ])
  if (e.error) rows.push(['error', e.error])
  return h(
    'dl',
    {},
    rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  )
}

export { pct }
