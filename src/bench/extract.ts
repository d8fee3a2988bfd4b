/**
 * Answer extraction from real model output. Models reason first and answer last, wrap the answer
 * in markdown or LaTeX, or restate the option text; the rules below look for the most explicit
 * statement and take the last one, so "A is wrong because … the answer is (C)" gives C.
 */
import { LETTERS, type Question } from './datasets/types.js'

/** Drop <think>…</think> blocks (and everything before a lone closing tag). */
export function stripThinking(text: string): string {
  let out = text.replace(/<think>[\s\S]*?<\/think>/gi, ' ')
  const close = out.toLowerCase().lastIndexOf('</think>')
  if (close !== -1) out = out.slice(close + '</think>'.length)
  // An unterminated <think> means the model never got to the answer.
  const open = out.toLowerCase().indexOf('<think>')
  if (open !== -1) out = out.slice(0, open)
  return out.trim()
}

/** Remove markdown emphasis and LaTeX text wrappers that hide a bare letter or number. */
function unwrap(text: string): string {
  return text
    .replace(/\\text(?:bf|rm)?\{([^{}]*)\}/g, '$1')
    .replace(/\\mathrm\{([^{}]*)\}/g, '$1')
    .replace(/\*\*|__|`/g, '')
    .replace(/\\\(|\\\)|\$/g, ' ')
}

function lastMatch(text: string, re: RegExp): RegExpExecArray | undefined {
  let last: RegExpExecArray | undefined
  const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`)
  for (let m = global.exec(text); m !== null; m = global.exec(text)) {
    last = m
    if (m[0] === '') global.lastIndex++
  }
  return last
}

/** Content of every \boxed{…}, allowing one level of nested braces. */
function boxed(text: string): string[] {
  return [...text.matchAll(/\\boxed\s*\{((?:[^{}]|\{[^{}]*\})*)\}/g)].map((m) => m[1]!)
}

/** A letter as models write it: "(c)", "[C]" (group 1) or a bare "C" (group 2). */
const L = '(?:[(\\[]([A-Za-z])[)\\]]|([A-Za-z]))(?![A-Za-z])'

/**
 * The last acceptable letter a pattern finds. A bare lower-case letter counts only before
 * punctuation or the end, so "the answer is a bit tricky" is not A.
 */
function matchLetter(text: string, pattern: RegExp): string | undefined {
  const global = new RegExp(pattern.source, `${pattern.flags}g`)
  let found: string | undefined
  for (let m = global.exec(text); m !== null; m = global.exec(text)) {
    const bare = m[2]
    const rest = text.slice(m.index + m[0].length)
    if (m[1] !== undefined) found = m[1]
    else if (bare === undefined) continue
    // "A bit", "I think": an article or pronoun, not a choice.
    else if (/^[AI]$/.test(bare) && /^\s+[a-z]/.test(rest)) continue
    else if (bare === bare.toUpperCase()) found = bare
    else if (/^\s*(?:[.,;!\n]|$)/.test(rest)) found = bare
  }
  return found
}
/** Explicit statements of the answer, most explicit first. */
const CHOICE_PATTERNS: RegExp[] = [
  new RegExp(
    `(?:final|correct|best)\\s+(?:answer|option|choice)\\s*(?:is|would be|:|=)?\\s*(?:option\\s+|choice\\s+)?${L}`,
    'i',
  ),
  new RegExp(
    `answer\\s*(?:is|would be|should be|must be)\\s*:?\\s*(?:option\\s+|choice\\s+)?${L}`,
    'i',
  ),
  new RegExp(`answer\\s*[:：]\\s*(?:option\\s+|choice\\s+)?${L}`, 'i'),
  new RegExp(`(?:option|choice)\\s+${L}\\s+is\\s+(?:the\\s+)?(?:correct|right|answer)`, 'i'),
  new RegExp(
    `(?:^|\\n)\\s*(?:I\\s+(?:choose|pick|select)|select|choose)\\s+(?:option\\s+)?${L}`,
    'i',
  ),
]

function validLetter(raw: string | undefined, count: number): string | undefined {
  if (raw === undefined) return undefined
  const letter = raw.toUpperCase()
  const index = LETTERS.indexOf(letter)
  return index >= 0 && index < count ? letter : undefined
}

/** The chosen option letter, or undefined when the output commits to none. */
export function extractChoice(output: string, options: readonly string[]): string | undefined {
  const count = options.length
  const text = unwrap(stripThinking(output))
  for (const inside of boxed(text).reverse()) {
    const letter = validLetter(
      /^\s*\(?([A-Za-z])\)?\s*(?:[.:)]|$)/.exec(unwrap(inside))?.[1],
      count,
    )
    if (letter) return letter
  }
  for (const pattern of CHOICE_PATTERNS) {
    const letter = validLetter(matchLetter(text, pattern), count)
    if (letter) return letter
  }
  // A line that is only a letter: "C", "(C)", "C.", "C)", "[C]".
  const alone = lastMatch(text, /(?:^|\n)\s*[([]?([A-Z])[)\].]?\s*(?=\n|$)/)
  const aloneLetter = validLetter(alone?.[1], count)
  if (aloneLetter) return aloneLetter
  // Output that starts with the letter: "C) 42 kg", "B. Because …", "(D) …".
  const leading = validLetter(/^\s*[([]?([A-Z])(?:[)\].:]|\s*$)/.exec(text)?.[1], count)
  if (leading) return leading
  // The option text restated on its own (ignoring case and a trailing full stop).
  const norm = (s: string) =>
    s
      .trim()
      .replace(/[.\s]+$/, '')
      .toLowerCase()
  const said = norm(text)
  const byText = options.findIndex((o) => norm(o) === said)
  if (byText !== -1) return LETTERS[byText]
  // Last resort: "(C)" in running text, only if exactly one distinct letter is mentioned that way.
  const paren = new Set([...text.matchAll(/\(([A-Z])\)/g)].map((m) => m[1]!))
  if (paren.size === 1) return validLetter([...paren][0], count)
  return undefined
}

/** Parse "1,234.5", "$12", "45%", "-3", "3/4" into a number. */
export function parseNumber(raw: string): number | undefined {
  const cleaned = raw.replace(/[,$€£%\s]/g, '').replace(/\.$/, '')
  const fraction = /^(-?\d+)\/(\d+)$/.exec(cleaned)
  if (fraction) return Number(fraction[1]) / Number(fraction[2])
  if (!/^-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i.test(cleaned)) return undefined
  return Number(cleaned)
}

const NUMBER = '(-?\\d+/\\d+|-?(?:\\$\\s?)?\\d[\\d,]*(?:\\.\\d+)?|-?\\.\\d+)'

/** The final numeric answer (GSM8K style), or undefined. */
export function extractNumber(output: string): number | undefined {
  const text = unwrap(stripThinking(output))
  for (const inside of boxed(text).reverse()) {
    const n = lastMatch(inside, new RegExp(NUMBER))
    const value = n ? parseNumber(n[1]!) : undefined
    if (value !== undefined) return value
  }
  const patterns = [
    new RegExp(`####\\s*${NUMBER}`),
    new RegExp(
      `(?:final answer|the answer|answer)\\s*(?:is|:|=|would be)?\\s*:?\\s*${NUMBER}`,
      'i',
    ),
  ]
  for (const pattern of patterns) {
    const m = lastMatch(text, pattern)
    const value = m ? parseNumber(m[1]!) : undefined
    if (value !== undefined) return value
  }
  const any = lastMatch(text, new RegExp(NUMBER))
  return any ? parseNumber(any[1]!) : undefined
}

export function numbersEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b))
}

export interface Graded {
  /** What was extracted (a letter, a number as text, or the normalised text); '' when nothing. */
  readonly predicted: string
  readonly correct: boolean
}

const normText = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()

/** Extract and compare against the question's answer. */
export function grade(question: Question, output: string): Graded {
  switch (question.kind) {
    case 'choice': {
      const letter = extractChoice(output, question.options)
      return { predicted: letter ?? '', correct: letter === question.answer }
    }
    case 'numeric': {
      const value = extractNumber(output)
      const expected = Number(question.answer)
      return {
        predicted: value === undefined ? '' : String(value),
        correct: value !== undefined && numbersEqual(value, expected),
      }
    }
    case 'text': {
      const said = normText(stripThinking(output))
      const want = normText(question.answer)
      const lastLine = said.split('\n').at(-1) ?? ''
      return {
        predicted: lastLine.slice(0, 200),
        correct: said === want || said.endsWith(` ${want}`),
      }
    }
  }
}
