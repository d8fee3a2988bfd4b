/**
 * Rebuilds src/guards/pii/name-lists.json, the given-name and surname lists the PERSON recognizer
 * uses. Sources: the lexicon of the `compromise` npm package (MIT licence; words it tags
 * FirstName/MaleName/FemaleName or LastName) plus training/data/guards/extra-first-names.txt (our own).
 * Run: node --import tsx training/guards/build-name-lists.ts
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import nlp from 'compromise'

const root = join(import.meta.dirname, '..', '..')
const lexicon = (nlp.model() as { one: { lexicon: Record<string, string | string[]> } }).one.lexicon
const first = new Set<string>()
const last = new Set<string>()
for (const [word, tags] of Object.entries(lexicon)) {
  if (!/^[a-z][a-z'-]+$/.test(word)) continue
  const list = Array.isArray(tags) ? tags : [tags]
  if (list.some((t) => t === 'FirstName' || t === 'MaleName' || t === 'FemaleName')) first.add(word)
  if (list.includes('LastName')) last.add(word)
}
const extra = readFileSync(join(root, 'training/data/guards/extra-first-names.txt'), 'utf8')
  .split('\n')
  .filter((line) => !line.startsWith('#'))
  .flatMap((line) => line.split(/\s+/))
  .filter((w) => w.length > 1)
for (const w of extra) first.add(w)
const out = {
  source:
    'compromise lexicon (MIT) + training/data/guards/extra-first-names.txt; built by training/guards/build-name-lists.ts',
  first: [...first].sort().join(' '),
  last: [...last].sort().join(' '),
}
writeFileSync(join(root, 'src/guards/pii/name-lists.json'), `${JSON.stringify(out, null, 2)}\n`)
console.log(`first names: ${first.size}, surnames: ${last.size}`)
