/**
 * What a newcomer reads first stays complete and consistent: the README's documentation list links
 * every document, grouped (start here / operate / extend / reference); prerequisites match
 * package.json and every page that needs curl 7.84 says so; the timings the README states agree
 * with the measurements written down in docs/benchmarks.md and with docs/model-evaluation.md.
 */
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'

const ROOT = join(import.meta.dirname, '..', '..')
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8')
const README = read('README.md')
const GROUPS = ['Start here', 'Operate', 'Extend', 'Reference']

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`)
  assert.ok(start >= 0, `section "${heading}"`)
  const end = markdown.indexOf('\n## ', start + 1)
  return markdown.slice(start, end < 0 ? undefined : end)
}

/** The single figure a pattern captures in a text (the pattern must match exactly once). */
function figure(text: string, pattern: RegExp, where: string): string {
  const all = [...text.matchAll(new RegExp(pattern.source, `${pattern.flags}g`))]
  assert.equal(all.length, 1, `${where}: ${pattern} found ${all.length} times`)
  return all[0]![1]!
}

describe('README for a newcomer', () => {
  it('lists every document once, under start here / operate / extend / reference', () => {
    const docs = section(README, 'Documentation')
    const headings = [...docs.matchAll(/^\*\*(.+)\*\*$/gm)].map((m) => m[1])
    assert.deepEqual(headings, GROUPS)
    const links = [...docs.matchAll(/\]\(([^)#]+)\)/g)].map((m) => m[1]!)
    for (const link of links) assert.ok(existsSync(join(ROOT, link)), `${link} exists`)
    assert.equal(new Set(links).size, links.length, 'no document listed twice')
    const expected = [
      ...readdirSync(join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
      'deploy/envoy/README.md',
      'DEVELOPING.md',
    ]
    const missing = expected.filter((doc) => !links.includes(doc))
    assert.deepEqual(missing, [], 'documents missing from the README list')
  })

  it('states the prerequisites: Node as package.json requires, curl 7.84 where %header{} is used', () => {
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines
    const node = figure(engines.node, /^>=(\d+\.\d+\.\d+)$/, 'package.json engines')
    assert.match(section(README, 'Two commands'), new RegExp(`Node\\.js ${node} or later`))
    const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)]
    for (const page of pages.filter((p) => p.endsWith('.md'))) {
      const text = read(page)
      if (text.includes('%header{')) assert.match(text, /curl\W+7\.84/, `${page} uses %header{}`)
    }
  })

  it('gives the same timings as the measurements in docs/benchmarks.md', () => {
    const measured = section(read('docs/benchmarks.md'), 'Newcomer timings')
    const quickstart = figure(measured, /`npm run quickstart`: (\d+) s/, 'benchmarks.md')
    const tests = figure(measured, /`npm test`: (\d+) min/, 'benchmarks.md')
    const howLong = section(README, 'Two commands')
    assert.equal(figure(howLong, /`npm run quickstart`\s+about\s+(\d+)\s+s/, 'README'), quickstart)
    assert.equal(figure(howLong, /`npm test`\s+about\s+(\d+)\s+minutes/, 'README'), tests)
    const evaluation = read('docs/model-evaluation.md')
    assert.equal(
      figure(
        evaluation,
        /^## 1\. Quickstart \(simulated, about (\d+) s\)$/m,
        'model-evaluation.md',
      ),
      quickstart,
    )
    assert.doesNotMatch(evaluation, /quickstart[^\n]*minute/i)
  })
})
