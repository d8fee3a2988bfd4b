/** docs/operations.md: internal links resolve, and it covers what the brief asks for. */
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { headingAnchors } from './markdown.js'
import { ROOT } from './tools.js'

const doc = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8')

test('every #anchor link in docs/operations.md resolves', () => {
  const anchors = headingAnchors(doc)
  for (const [, anchor] of doc.matchAll(/\]\(#([^)]+)\)/g))
    assert.ok(anchors.has(anchor!), `#${anchor} has no heading`)
})

test('docs/operations.md has the deploy, scale-out, upgrade, observe, alert and troubleshooting parts', () => {
  const anchors = headingAnchors(doc)
  for (const section of [
    'deploy',
    'config-changes',
    'models',
    'scale-out',
    'resources',
    'upgrade',
    'observe',
    'dashboards',
    'alerts',
    'troubleshooting',
  ])
    assert.ok(anchors.has(section), `no section #${section}`)
})

test('every file path the doc names exists', () => {
  for (const [, path] of doc.matchAll(/`((?:deploy|docs|test|src)\/[\w./-]+)`/g)) {
    const clean = path!.replace(/\/$/, '')
    assert.ok(existsSync(join(ROOT, clean)), `${clean} does not exist`)
  }
})
