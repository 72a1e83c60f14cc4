import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'

// Headless Debian Chromium for e2e tests. `*.test` names (RFC 6761: never real DNS) resolve
// to 127.0.0.1 inside this browser only, so pages can use `http://app.hall.test:<port>/`
// and cookies and redirects see a real host name rather than an IP.

export const TEST_HOST_SUFFIX = '.test'

export function chromiumPath (): string {
  return process.env.HALL_CHROMIUM ?? '/usr/bin/chromium'
}

export function chromiumAvailable (): boolean {
  return existsSync(chromiumPath())
}

export async function launchChromium (): Promise<Browser> {
  // Playwright gives each launch() a fresh profile dir and deletes it on close (it refuses
  // --user-data-dir); this dir takes Chromium's own scratch files via TMPDIR.
  const dir = await mkdtemp(join(tmpdir(), 'hall-chromium-'))
  let browser: Browser
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      headless: true,
      env: { ...process.env, TMPDIR: dir, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_CACHE_HOME: join(dir, 'cache') },
      args: [
        '--headless',
        '--no-sandbox', // containers and CI runners usually lack user namespaces
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage', // small /dev/shm in containers crashes tabs
        '--host-resolver-rules=MAP *.test 127.0.0.1'
      ]
    })
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw err
  }
  const close = browser.close.bind(browser)
  browser.close = async (options) => {
    try {
      await close(options)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
  return browser
}
