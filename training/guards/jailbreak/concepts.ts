/**
 * Knowledge features for the jailbreak classifier: for every vocabulary word, whether WordNet puts
 * one of its senses under a harmful or a protective concept (weapons and explosives; drugs and
 * poisons; crime and violence; self-harm; protection, prevention and care). The model learns how
 * much each concept matters in context; WordNet supplies the words no training prompt used
 * ("sarin", "garrote", "embezzle"). Inflected forms map to their lemma by regular endings.
 */
import { readWordNet, senseOf, type Synset } from '../../lib/wordnet.js'

/** Concept groups: [pos, lemma, sense] seeds whose hyponym closures (troponyms) belong to them. */
export const CONCEPTS: readonly (readonly [string, string, number][])[] = [
  // weapons, explosives, ammunition
  [
    ['n', 'weapon', 1],
    ['n', 'explosive', 1],
    ['n', 'explosive device', 1],
    ['n', 'ammunition', 1],
    ['n', 'firearm', 1],
    ['v', 'bomb', 1],
    ['v', 'shoot', 2],
  ],
  // drugs of abuse, poisons, toxins
  [
    ['n', 'drug of abuse', 1],
    ['n', 'controlled substance', 1],
    ['n', 'narcotic', 1],
    ['n', 'hallucinogen', 1],
    ['n', 'poison', 1],
    ['n', 'toxin', 1],
    ['v', 'poison', 1],
  ],
  // crime and violence
  [
    ['n', 'crime', 1],
    ['n', 'killing', 2],
    ['n', 'murder', 1],
    ['n', 'theft', 1],
    ['n', 'fraud', 1],
    ['n', 'terrorism', 1],
    ['n', 'kidnapping', 1],
    ['n', 'torture', 1],
    ['v', 'kill', 1],
    ['v', 'steal', 1],
    ['v', 'rob', 1],
    ['v', 'kidnap', 1],
    ['v', 'torture', 1],
    ['v', 'attack', 1],
    ['v', 'assault', 1],
    ['v', 'cheat', 2],
    ['v', 'smuggle', 1],
    ['v', 'forge', 3],
  ],
  // self-harm
  [
    ['n', 'suicide', 1],
    ['n', 'self-destruction', 1],
    ['n', 'overdose', 1],
    ['v', 'starve', 1],
  ],
  // protection, prevention, safety, care
  [
    ['n', 'protection', 1],
    ['n', 'prevention', 1],
    ['n', 'safety', 1],
    ['n', 'detection', 1],
    ['n', 'treatment', 1],
    ['n', 'security', 1],
    ['v', 'protect', 1],
    ['v', 'prevent', 1],
    ['v', 'detect', 1],
    ['v', 'recover', 1],
    ['v', 'avoid', 1],
    ['v', 'report', 1],
  ],
]

function closure(wn: ReadonlyMap<string, Synset>, root: string): Set<string> {
  const words = new Set<string>()
  const seen = new Set<string>([root])
  const queue = [root]
  while (queue.length > 0) {
    const s = wn.get(queue.shift()!)
    if (!s) continue
    for (const w of s.words) if (!w.includes(' ')) words.add(w)
    for (const h of s.hyponyms) {
      if (seen.has(h)) continue
      seen.add(h)
      queue.push(h)
    }
  }
  return words
}

const ENDINGS: readonly [string, string][] = [
  ['ies', 'y'],
  ['es', ''],
  ['s', ''],
  ['ied', 'y'],
  ['ed', ''],
  ['ed', 'e'],
  ['ing', ''],
  ['ing', 'e'],
  ['er', ''],
  ['ers', ''],
]

/** Row-major [words.length × CONCEPTS.length] 0/1 flags. */
export function conceptFlags(words: readonly string[]): Float32Array {
  const wn = readWordNet()
  const groups = CONCEPTS.map((seeds) => {
    const set = new Set<string>()
    for (const [pos, lemma, sense] of seeds) {
      const id = senseOf(lemma, pos as 'n' | 'v', sense)
      if (!id) continue
      for (const w of closure(wn, id)) set.add(w)
    }
    return set
  })
  const f = CONCEPTS.length
  const out = new Float32Array(words.length * f)
  words.forEach((word, row) => {
    if (!word || !/^[a-z][a-z-]*$/.test(word)) return
    const forms = [word]
    for (const [end, add] of ENDINGS)
      if (word.length > end.length + 2 && word.endsWith(end))
        forms.push(word.slice(0, -end.length) + add)
    groups.forEach((set, g) => {
      if (forms.some((w) => set.has(w))) out[row * f + g] = 1
    })
  })
  return out
}
