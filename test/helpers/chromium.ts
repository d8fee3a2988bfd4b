/** Debian's Chromium, headless, for tests that render pages (playwright-core drives it). */
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

/** Headless, no sandbox (tests run as root in containers), nothing phoning home. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/** `offline`: DNS resolves nothing but 127.0.0.1, so only loopback can be reached. */
export function launchChromium(options: { offline?: boolean } = {}): Promise<Browser> {
  const offline = options.offline
    ? ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1']
    : []
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS, ...offline] })
}
