/** Config problems, each tied to a YAML path (and a line when the source text is known). */
import { LineCounter, isMap, isScalar, parseDocument, type Document } from 'yaml'

export type IssueSeverity = 'error' | 'warning'

export interface ConfigIssue {
  severity: IssueSeverity
  /** YAML path in dotted form with [index] for sequences, e.g. `categories[2].model_scores[0].score`. */
  path: string
  message: string
  line?: number
}

export type PathSegment = string | number

export function formatPath(segments: readonly PathSegment[]): string {
  let out = ''
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`
    else out += out === '' ? seg : `.${seg}`
  }
  return out === '' ? '(root)' : out
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.path : `${issue.path} (line ${issue.line})`
  return `${issue.severity}: ${where}: ${issue.message}`
}

/** Finds source lines for YAML paths in one parsed document. */
export class LineLocator {
  private readonly doc: Document
  private readonly lines: LineCounter

  constructor(doc: Document, lines: LineCounter) {
    this.doc = doc
    this.lines = lines
  }

  static fromText(text: string): LineLocator {
    const lines = new LineCounter()
    const doc = parseDocument(text, { lineCounter: lines, version: '1.1' })
    return new LineLocator(doc, lines)
  }

  /** Line of the node at `segments`, or of the key `key` inside the mapping at `segments`. */
  lineOf(segments: readonly PathSegment[], key?: string): number | undefined {
    try {
      const node: unknown = this.doc.getIn(segments, true)
      if (key !== undefined && isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key)
        const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range
        if (range) return this.lines.linePos(range[0]).line
      }
      const range = (node as { range?: [number, number, number] } | undefined)?.range
      if (range) return this.lines.linePos(range[0]).line
      if (segments.length > 0) return this.lineOf(segments.slice(0, -1))
    } catch {
      // Paths that cross scalars have no node; fall through to "no line".
    }
    return undefined
  }
}
