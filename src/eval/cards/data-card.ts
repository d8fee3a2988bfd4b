/**
 * Writes an evaluation's table into a data card between `<!-- eval:<name> begin -->` and
 * `<!-- eval:<name> end -->` (appended under an "Evaluation (generated)" heading the first time),
 * so the card always shows the figures the recorded file holds.
 */
import { readFileSync, writeFileSync } from 'node:fs'

export function replaceBlock(card: string, name: string, markdown: string): string {
  const begin = `<!-- eval:${name} begin (written by semantic-router eval --write) -->`
  const end = `<!-- eval:${name} end -->`
  const block = `${begin}\n${markdown.trim()}\n${end}`
  const from = card.indexOf(begin)
  const to = card.indexOf(end)
  if (from >= 0 && to > from) return card.slice(0, from) + block + card.slice(to + end.length)
  return `${card.trimEnd()}\n\n## Evaluation (generated)\n\n${block}\n`
}

export function writeBlock(file: string, name: string, markdown: string): void {
  writeFileSync(file, replaceBlock(readFileSync(file, 'utf8'), name, markdown))
}
