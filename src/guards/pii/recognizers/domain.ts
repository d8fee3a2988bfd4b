/**
 * DOMAIN_NAME: the host of a URL ("https://www.shop.example/cart" → "www.shop.example") or a bare
 * domain ending in a known top-level domain ("brightwater-logistics.com"). Never the domain of an
 * email address (that is EMAIL_ADDRESS), file names ("settings.json", "index.ts") or dotted code
 * paths ("window.location.href"), whose last part is not a top-level domain we list.
 */
import type { PiiEntity } from '../../types.js'
import { entity, type Recognizer } from './types.js'

const TLDS =
  'com|org|net|edu|gov|mil|int|io|co|ai|app|dev|biz|info|shop|store|online|site|tech|cloud|xyz|me|tv|us|uk|ca|au|nz|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|pl|cz|pt|ie|ru|ua|jp|kr|cn|in|sg|hk|tw|br|mx|ar|cl|za|ng|ke|ae|il|tr|gr|eu|asia|news|blog|page|digital|agency|media|studio|design'
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?'
const URL_RE = /\bhttps?:\/\/([^\s/:?#"'<>)]+)/gi
const BARE_RE = new RegExp(`(?<![@\\w.-])((?:${LABEL}\\.)+(?:${TLDS}))(?![\\w-]|\\.[a-z0-9])`, 'gi')

export const domainRecognizer: Recognizer = {
  name: 'domain_name',
  types: ['DOMAIN_NAME'],
  find(text) {
    const out: PiiEntity[] = []
    for (const m of text.matchAll(URL_RE)) {
      const start = m.index
      out.push(entity('DOMAIN_NAME', text, start, start + m[0].length, 0.85, 'url'))
    }
    for (const m of text.matchAll(BARE_RE)) {
      const host = m[1]!
      // Two-part names with a one-letter label ("e.g", "i.e") and numbers-only hosts are not domains.
      if (/^(?:[a-z]\.)+[a-z]+$/i.test(host) && host.length < 6) continue
      out.push(entity('DOMAIN_NAME', text, m.index, m.index + host.length, 0.85, 'domain'))
    }
    return out
  },
}
