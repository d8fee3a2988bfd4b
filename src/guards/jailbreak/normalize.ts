/**
 * Text views the jailbreak rules run on. Attackers hide the same instruction behind case tricks,
 * look-alike letters, zero-width characters, spacing (`i g n o r e`), leetspeak (`1gn0r3`),
 * base64 / hex / percent encoding, reversal and ROT13. Instead of teaching every rule every trick,
 * each text is turned into a few canonical views and every rule runs on each view; a rule fires
 * if it matches any view. Views are only built when they differ from the canonical one, so plain
 * prompts cost one pass.
 */

export interface TextView {
  /** `canonical`, `deobfuscated`, `decoded`, `joined`, `reversed`, `rot13`. */
  readonly name: string
  readonly text: string
}

/** Latin look-alikes from Cyrillic, Greek, small capitals and IPA that NFKC leaves alone. */
/** Latin look-alikes from Cyrillic, Greek, small capitals and IPA that NFKC leaves alone. */
const CONFUSABLE_PAIRS =
  'аa вb еe ёe кk мm нh оo рp сc тt уy хx іi їi јj ѕs ԁd һh ӏl ԛq ԝw αa βb εe ηn ιi κk νv οo ρp τt υu χx ωw ᴀa ʙb ᴄc ᴅd ᴇe ꜰf ɢg ʜh ɪi ᴊj ᴋk ʟl ᴍm ɴn ᴏo ᴘp ǫq ʀr ꜱs ᴛt ᴜu ᴠv ᴡw ʏy ᴢz ɡg ıi ℓl'
const CONFUSABLES = new Map(CONFUSABLE_PAIRS.split(' ').map((p) => [p.slice(0, -1), p.slice(-1)]))
const CONFUSABLE_RE = new RegExp(`[${[...CONFUSABLES.keys()].join('')}]`, 'g')

// Zero-width and format characters, soft hyphen, BOM, bidi controls; C0/C1 controls except \t \n.
const INVISIBLE_RE =
  // eslint-disable-next-line no-control-regex
  /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g
const COMBINING_RE = /\p{M}+/gu

/**
 * The character-level part of canonicalisation: NFKC, no accents, Latin look-alikes, lower case,
 * no invisible characters. Text with no code unit above U+007F (most prompts) takes a shortcut:
 * every ASCII character is its own NFKD and NFKC form, none is a combining mark or a listed
 * look-alike, so those passes are identities there and only lower-casing and control-character
 * removal remain. `shortcuts: false` always takes the full path (the reference for tests).
 */
function canonicalChars(text: string, shortcuts: boolean): string {
  const folded =
    shortcuts && !NON_ASCII_RE.test(text)
      ? text.toLowerCase().replace(INVISIBLE_RE, '')
      : text
          .normalize('NFKD')
          .replace(COMBINING_RE, '')
          .normalize('NFKC')
          .toLowerCase()
          .replace(INVISIBLE_RE, '')
          .replace(CONFUSABLE_RE, (c) => CONFUSABLES.get(c) ?? c)
  return folded.replace(/_/g, ' ')
}
const NON_ASCII_RE = /[\u0080-\uffff]/

/** Runs of whitespace to collapse: anything but single spaces. */
const COLLAPSIBLE_RE = /[\t\n\r\f\v]| {2}/

function collapse(chars: string, shortcuts: boolean): string {
  if (shortcuts && !COLLAPSIBLE_RE.test(chars)) return chars.trim()
  return chars
    .replace(/[ \t\r\f\v]+/g, ' ')
    .replace(/\n\s*/g, '\n')
    .trim()
}

/** NFKC, no accents, Latin look-alikes, lower case, no invisible characters, single spaces. */
export function canonicalize(text: string, collapseSpaces = true, shortcuts = true): string {
  const chars = canonicalChars(text, shortcuts)
  return collapseSpaces ? collapse(chars, shortcuts) : chars.trim()
}

const LEET = new Map(Object.entries({ 0: 'o', 1: 'i', 3: 'e', 4: 'a', 5: 's', 7: 't', 8: 'b' }))
LEET.set('@', 'a').set('$', 's').set('!', 'i').set('|', 'l')

const LEET_CHAR_RE = /[0-9@$!|]/

/** `1gn0r3` → `ignore`, only inside tokens that also contain letters (numbers stay numbers). */
function deleet(text: string, shortcuts: boolean): string {
  // Without a single digit or symbol there is nothing to map.
  if (shortcuts && !LEET_CHAR_RE.test(text)) return text
  return text.replace(/[a-z0-9@$!|]+/g, (tok) =>
    /[a-z]/.test(tok) && /[0-9@$!|]/.test(tok)
      ? tok.replace(/[0-9@$!|]/g, (c) => LEET.get(c) ?? c)
      : tok,
  )
}

/** Every digit/symbol mapped, including stand-alone ones ("70 4c7 45" → "to act as"). */
function deleetAll(text: string): string {
  return text.replace(/[0-9@$!|]/g, (c) => LEET.get(c) ?? c)
}

/** Text written mostly in leetspeak: several tokens mixing letters with digits or symbols. */
function leetHeavy(text: string, shortcuts: boolean): boolean {
  if (shortcuts && !LEET_CHAR_RE.test(text)) return false
  let mixed = 0
  for (const m of text.matchAll(/[a-z0-9@$!|]+/g))
    if (/[a-z]/.test(m[0]) && /[0-9@$!|]/.test(m[0]) && ++mixed >= 3) return true
  return false
}

/** `i g n o r e   a l l` and `i.g.n.o.r.e` → `ignore all`; `ign-ore` / `ig.nore` → `ignore`. */
function despace(text: string): string {
  const segments = text.split(/ {2,}/)
  // Wide gaps between words mean every single space is a gap between letters, even in 2-letter words.
  const wide = segments.length > 2
  const spaced = wide
    ? /(?<![a-z0-9'’])(?:[a-z0-9'’] )+[a-z0-9'’](?![a-z0-9'’])/g
    : /\b(?:[a-z0-9] ){2,}[a-z0-9]\b/g
  return segments
    .map((segment) =>
      segment
        // Punctuation-separated letters first, so "d.i.s.r.e.g.a.r.d y.o.u.r" keeps its word gap.
        .replace(/\b(?:[a-z0-9][.\-*·]){2,}[a-z0-9]\b/g, (run) => run.replace(/[.\-*·]/g, ''))
        .replace(spaced, (run) => run.replace(/ /g, ''))
        .replace(wide ? / (?=[.,;:!?])/g : /$^/g, ''),
    )
    .join(' ')
    .replace(/(?<=[a-z]{2})[-.*·](?=[a-z]{2})/g, '')
}

const BASE64_RE = /[A-Za-z0-9+/]{16,}={0,2}/g
const HEX_RE = /\b(?:[0-9a-fA-F]{2}){8,}\b/g
const PERCENT_RE = /(?:%[0-9a-fA-F]{2}){3,}/g

function mostlyText(s: string): boolean {
  if (s.length < 6) return false
  let printable = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if ((c >= 32 && c < 127) || c === 10) printable++
  }
  return printable / s.length > 0.9 && /[a-z]{3,} [a-z]/i.test(s)
}

/** Base64, hex and percent-encoded segments decoded to text (only those that decode to words). */
/** Whether `text` has 16 base64 characters in a row; hex (a subset) needs 16 in a row too. */
function hasEncodedRun(text: string): boolean {
  let run = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const base64 =
      (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 43 || c === 47
    if (!base64) run = 0
    else if (++run >= 16) return true
  }
  return false
}

function decodeSegments(original: string, shortcuts: boolean): string[] {
  const out: string[] = []
  // Most prompts have no encoded segment; one linear pass says so before three regex scans.
  if (shortcuts && !hasEncodedRun(original) && !original.includes('%')) return out
  for (const m of original.matchAll(BASE64_RE)) {
    const decoded = Buffer.from(m[0], 'base64').toString('latin1')
    if (mostlyText(decoded)) out.push(decoded)
  }
  for (const m of original.matchAll(HEX_RE)) {
    const decoded = Buffer.from(m[0], 'hex').toString('latin1')
    if (mostlyText(decoded)) out.push(decoded)
  }
  for (const m of original.matchAll(PERCENT_RE)) {
    try {
      const decoded = decodeURIComponent(m[0])
      if (mostlyText(decoded)) out.push(decoded)
    } catch {
      // Not valid percent-encoding: nothing hidden there.
    }
  }
  return out
}

/** Quoted fragments and `a + b` pieces glued together (payload splitting). */
function joinFragments(canonical: string): string | undefined {
  const quoted = [...canonical.matchAll(/["'“”‘’«»]([^"'“”‘’«»\n]{1,200})["'“”‘’«»]/g)].map(
    (m) => m[1]!,
  )
  const parts: string[] = []
  if (quoted.length >= 2) parts.push(quoted.join(''), quoted.join(' '))
  if (/\w ?\+ ?\w/.test(canonical)) {
    const plusJoined = canonical.replace(/ ?\+ ?/g, '')
    parts.push(plusJoined)
  }
  return parts.length > 0 ? parts.join('\n') : undefined
}

/** ROT13 of the lower-case letters a–z; everything else unchanged. */
function rot13(s: string): string {
  // A code-unit loop: a regex replace with a callback per letter is ~5× slower.
  let out = ''
  for (let start = 0; start < s.length; start += 4096) {
    const end = Math.min(s.length, start + 4096)
    const codes = new Array<number>(end - start)
    for (let i = start; i < end; i++) {
      const c = s.charCodeAt(i)
      codes[i - start] = c >= 97 && c <= 122 ? ((c - 97 + 13) % 26) + 97 : c
    }
    out += String.fromCharCode(...codes)
  }
  return out
}

const FUNCTION_WORDS = new Set(
  'the a an and or of to in on for with is are was be you your i it this that my me what how do not'.split(
    ' ',
  ),
)

function readsAsEnglish(text: string): boolean {
  const words = text.match(/[a-z]+/g) ?? []
  if (words.length < 8) return false
  let common = 0
  for (const w of words) if (FUNCTION_WORDS.has(w)) common++
  return common / words.length >= 0.15
}

/**
 * Every view of a text the rules should see. The first is always `canonical`. `shortcuts: false`
 * skips the fast paths that provably give the same views (the reference for equivalence tests).
 */
export function buildViews(original: string, shortcuts = true): TextView[] {
  const chars = canonicalChars(original, shortcuts)
  const canonical = collapse(chars, shortcuts)
  const uncollapsed = chars.trim()
  const views: TextView[] = [{ name: 'canonical', text: canonical }]
  // Spaced-out letters use wider gaps between words, so despace before spaces are collapsed.
  const deobfuscated = deleet(despace(uncollapsed), shortcuts)
  if (deobfuscated !== canonical) views.push({ name: 'deobfuscated', text: deobfuscated })
  if (leetHeavy(canonical, shortcuts))
    views.push({ name: 'deleet', text: despace(deleetAll(uncollapsed)) })
  const decoded = decodeSegments(original, shortcuts)
  if (decoded.length > 0)
    views.push({
      name: 'decoded',
      text: decoded.map((d) => canonicalize(d, true, shortcuts)).join('\n'),
    })
  const joined = joinFragments(canonical)
  if (joined !== undefined) views.push({ name: 'joined', text: despace(joined) })
  // Reversal and ROT13 hide text from readers too, so only sentences that do not read as English
  // (few common function words) get those two passes; padding with English cannot hide them.
  const unreadable = canonical
    .split(/(?<=[.!?:;\n])\s*/)
    .filter((sentence) => !readsAsEnglish(sentence))
    .join('\n')
  if (unreadable !== '') {
    views.push({ name: 'reversed', text: [...unreadable].reverse().join('') })
    views.push({ name: 'rot13', text: rot13(unreadable) })
  }
  return views
}
