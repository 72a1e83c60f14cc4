import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { SERVER, type AdminRig } from './rig.js'

// The admin's pages as the README shows them: the overview, a server's page, the event log and the energy report,
// at a desk's width and a phone's. Taken by the operator test once the server has been woken
// and shut down, so the charts and the log have something to show.

export const WIDTHS = {
  desktop: { viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
} as const

interface Shot { name: string, path: string, ready: (page: Page) => Promise<void> }

const SHOTS: readonly Shot[] = [
  { name: 'overview', path: '/admin/', ready: async (page) => { await page.locator(`article.server-card[data-server="${SERVER}"]`).waitFor() } },
  // the charts are drawn by the page's script: wait for uPlot's canvases, not for time
  { name: 'server', path: `/admin/servers/${SERVER}`, ready: async (page) => { await page.locator('#chart-day canvas').first().waitFor() } },
  { name: 'events', path: '/admin/events', ready: async (page) => { await page.locator('#hall-events tbody tr').first().waitFor() } },
  { name: 'energy', path: '/admin/energy', ready: async (page) => { await page.locator('#energy-chart-total canvas').first().waitFor() } }
]

/**
 * Writes admin-<page>-<width>.png into `dir`, signed in with the session of `signedIn`'s
 * context. Each page must answer 200 and show its heading; each file must be a PNG of the
 * viewport's size (one screen, not the whole scroll), and not a blank one.
 */
export async function takeScreenshots (rig: AdminRig, signedIn: Page, dir: string): Promise<string[]> {
  const storageState = await signedIn.context().storageState()
  const files: string[] = []
  for (const [width, device] of Object.entries(WIDTHS)) {
    const context = await rig.browser.newContext({ ...device, deviceScaleFactor: 1, locale: 'en-GB', storageState })
    try {
      const page = await context.newPage()
      for (const shot of SHOTS) {
        const res = await page.goto(`${rig.base}${shot.path}`)
        assert.equal(res?.status(), 200, `${shot.path} at ${width} width`)
        assert.equal(new URL(page.url()).pathname, shot.path, 'still signed in, on the page itself')
        await page.locator('main h1').waitFor()
        await shot.ready(page)
        // mobile-first: a table may scroll sideways in its frame, the page itself never does
        assert.ok(await page.evaluate('document.documentElement.scrollWidth') as number <= device.viewport.width, `${shot.path} is wider than the ${width} screen`)
        const file = join(dir, `admin-${shot.name}-${width}.png`)
        await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' })
        await assertPng(file, device.viewport)
        files.push(file)
      }
      if (width === 'desktop') files.push(await recentWakesShot(page, rig, dir))
    } finally {
      await context.close()
    }
  }
  return files
}

/**
 * The server page's recent wakes and shutdowns, further down than one screen: who asked, and
 * each step's time. Only this part of the page, at the desk's width.
 */
async function recentWakesShot (page: Page, rig: AdminRig, dir: string): Promise<string> {
  await page.goto(`${rig.base}/admin/servers/${SERVER}`)
  const wakes = await page.locator('section[aria-labelledby="wakes-h"]').boundingBox()
  const shutdowns = await page.locator('section[aria-labelledby="shutdowns-h"]').boundingBox()
  assert.ok(wakes !== null && shutdowns !== null, 'the page lists recent wakes and shutdowns')
  const margin = 16
  const clip = { x: 0, y: Math.floor(wakes.y - margin), width: WIDTHS.desktop.viewport.width, height: Math.ceil(shutdowns.y + shutdowns.height - wakes.y + 2 * margin) }
  const file = join(dir, 'admin-server-wakes-desktop.png')
  await page.screenshot({ path: file, clip, fullPage: true, animations: 'disabled', caret: 'hide' })
  await assertPng(file, { width: clip.width, height: clip.height })
  return file
}

/** A PNG of the viewport's size, and more than one colour's worth of bytes (a blank page compresses to almost nothing). */
async function assertPng (file: string, size: { width: number, height: number }): Promise<void> {
  const bytes = await readFile(file)
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${file} is a PNG`)
  // the IHDR chunk comes first: width and height at bytes 16 and 20
  assert.deepEqual({ width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }, size, file)
  assert.ok(bytes.length > 10_000, `${file}: ${bytes.length} bytes, a blank page?`)
}
