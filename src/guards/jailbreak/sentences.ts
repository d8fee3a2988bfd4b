/**
 * Sentence views for a jailbreak model that declares them (`_semantic_router.sentence_views` in its
 * config.json, set by training/guards/jailbreak/train.ts, which chose its operating point with
 * them): the model scores the whole text and each of its sentences, and the most suspicious score
 * decides. Harmless text appended to (or wrapped around) a harmful request then cannot dilute it:
 * the request's own sentence is scored alone. Training and the router split text with this one
 * function.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'

/** Most sentence views of one text; more sentences are merged with their neighbours to fit. */
export const MAX_SENTENCE_VIEWS = 32

// A sentence ends at . ! ? … (with any closing quotes or brackets) before white space, or at a line
// break.
const BOUNDARY = /(?<=[.!?…]["'”’)\]]*)\s+|\s*\n\s*/u
const HAS_WORD = /[\p{L}\p{N}]/u

const key = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ')

/**
 * The text's distinct sentences (first occurrence kept, compared ignoring case and spacing), or
 * none when the text is a single sentence. At most MAX_SENTENCE_VIEWS: beyond that, runs of
 * neighbouring sentences are joined so that every part of the text is still in one view.
 */
export function sentenceViews(text: string): string[] {
  const seen = new Set<string>([key(text.trim())])
  const sentences: string[] = []
  for (const part of text.split(BOUNDARY)) {
    const s = part.trim()
    if (!HAS_WORD.test(s) || seen.has(key(s))) continue
    seen.add(key(s))
    sentences.push(s)
  }
  if (sentences.length <= MAX_SENTENCE_VIEWS) return sentences
  const per = Math.ceil(sentences.length / MAX_SENTENCE_VIEWS)
  const merged: string[] = []
  for (let i = 0; i < sentences.length; i += per) merged.push(sentences.slice(i, i + per).join(' '))
  return merged
}

const schema = z.object({ _semantic_router: z.object({ sentence_views: z.literal(true) }) })

/** Whether a model folder asks for sentence views (only models calibrated with them do). */
export function readSentenceViews(dir: string): boolean {
  const file = join(dir, 'config.json')
  if (!existsSync(file)) return false
  return schema.safeParse(JSON.parse(readFileSync(file, 'utf8'))).success
}
