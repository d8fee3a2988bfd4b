/**
 * docs/troubleshooting.md covers what a user can meet: every error code (src/errors.ts, which
 * docs/errors.md lists), every warning the config loader can print (found in the sources, so a new
 * warning without an entry fails here), and the operational puzzles the guide promises.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, it } from 'node:test'
import ts from 'typescript'
import { ERROR_CODES } from '../../src/errors.js'

const ROOT = join(import.meta.dirname, '..', '..')
const GUIDE = readFileSync(join(ROOT, 'docs', 'troubleshooting.md'), 'utf8')

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`)
  assert.ok(start >= 0, `section "${heading}"`)
  const end = markdown.indexOf('\n## ', start + 1)
  return markdown.slice(start, end < 0 ? undefined : end)
}

/** First-column values (`code`) of the markdown tables in a text. */
function firstColumn(text: string): Set<string> {
  return new Set([...text.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!))
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return sources(path)
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : []
  })
}

/** The fixed text of a message argument: literal strings, and the pieces of template strings. */
function fixedParts(node: ts.Expression): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text]
  if (ts.isTemplateExpression(node))
    return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)]
  return []
}

interface FoundWarning {
  readonly file: string
  /** The longest fixed piece of the message (what any printed form of it contains). */
  readonly text: string
}

/**
 * Every config warning in src: calls whose first argument is the literal 'warning' (the config
 * checks' `report('warning', path, message)`) or a variable that can hold it, and objects with
 * `severity: 'warning'` and a message.
 */
function configWarnings(): FoundWarning[] {
  const found: FoundWarning[] = []
  for (const path of sources(join(ROOT, 'src'))) {
    const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022)
    const add = (message: ts.Expression | undefined): void => {
      if (!message) return
      const parts = fixedParts(message).map((p) => p.trim())
      const text = parts.reduce((a, b) => (b.length > a.length ? b : a), '')
      if (text !== '') found.push({ file: relative(ROOT, path), text })
    }
    // `const severity = cond ? 'warning' : 'error'` then `report(severity, ...)`.
    const maybeWarning = new Set<string>()
    const declarations = (node: ts.Node): void => {
      if (
        ts.isVariableDeclaration(node) &&
        ts.isIdentifier(node.name) &&
        node.initializer?.getText(file).includes("'warning'")
      )
        maybeWarning.add(node.name.text)
      ts.forEachChild(node, declarations)
    }
    declarations(file)
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const [first, , message] = node.arguments
        if (first && ts.isStringLiteral(first) && first.text === 'warning') add(message)
        if (first && ts.isIdentifier(first) && maybeWarning.has(first.text)) add(message)
      }
      if (ts.isObjectLiteralExpression(node)) {
        const prop = (name: string) =>
          node.properties.find(
            (p): p is ts.PropertyAssignment =>
              ts.isPropertyAssignment(p) && p.name.getText(file) === name,
          )?.initializer
        const severity = prop('severity')
        if (severity && ts.isStringLiteral(severity) && severity.text === 'warning')
          add(prop('message'))
      }
      ts.forEachChild(node, visit)
    }
    visit(file)
  }
  return found
}

describe('docs/troubleshooting.md', () => {
  it('has an entry for every error code', () => {
    const table = firstColumn(section(GUIDE, 'Error codes'))
    const errorsDoc = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8')
    const documented = firstColumn(errorsDoc)
    assert.ok(documented.size >= Object.keys(ERROR_CODES).length)
    const missing = [...new Set([...Object.keys(ERROR_CODES), ...documented])].filter(
      (code) => !table.has(code),
    )
    assert.deepEqual(missing, [], 'error codes without a troubleshooting entry')
    const unknown = [...table].filter((code) => !(code in ERROR_CODES))
    assert.deepEqual(unknown, [], 'entries for codes that do not exist')
  })

  it('has an entry for every warning the config loader can print', () => {
    const warnings = configWarnings()
    // The scan itself must find the warnings known today (it fails if a refactor hides them).
    assert.ok(warnings.length >= 14, `found only ${warnings.length} warnings`)
    assert.ok(warnings.some((w) => w.text === 'unknown key, ignored'))
    const table = section(GUIDE, 'Config warnings')
    const missing = warnings.filter((w) => !table.includes(w.text))
    assert.deepEqual(missing, [], 'config warnings without a troubleshooting entry')
  })

  it('answers the common operational puzzles', () => {
    const puzzles = section(GUIDE, 'Common puzzles')
    for (const heading of [
      'Everything goes to the default model',
      'The cache never hits',
      'Reasoning is not applied',
      'Envoy does not call the router',
      'Metrics are missing in Grafana',
    ])
      assert.match(puzzles, new RegExp(`^### ${heading}$`, 'm'), heading)
  })

  it('links only to documents that exist', () => {
    for (const [, target] of GUIDE.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)) {
      if (/^https?:/.test(target!)) continue
      assert.doesNotThrow(() => readFileSync(join(ROOT, 'docs', target!)), target)
    }
  })
})
