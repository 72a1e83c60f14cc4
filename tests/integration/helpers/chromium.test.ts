import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromiumAvailable, launchChromium } from '../../helpers/chromium.js'

const skip = chromiumAvailable() ? false : 'chromium is not installed (bash deploy/install-test-deps.sh)'

test('chromium opens pages on 127.0.0.1 and on *.test names mapped to loopback', { skip }, async (t) => {
  const srv = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(`<!doctype html><title>ok</title><h1 id="host">${req.headers.host ?? ''}</h1>`)
  })
  await new Promise<void>(resolve => srv.listen(0, '127.0.0.1', resolve))
  t.after(async () => {
    srv.closeAllConnections()
    await new Promise<void>(resolve => srv.close(() => resolve()))
  })
  const addr = srv.address()
  assert.ok(addr !== null && typeof addr === 'object')

  const browser = await launchChromium()
  t.after(() => browser.close())
  const page = await browser.newPage()

  await page.goto(`http://127.0.0.1:${addr.port}/`)
  assert.equal(await page.textContent('#host'), `127.0.0.1:${addr.port}`)

  // Chromium sends the name it was given as Host, as it would for a real domain
  const res = await page.goto(`http://app.hall.test:${addr.port}/x`)
  assert.equal(res?.status(), 200)
  assert.equal(await page.textContent('#host'), `app.hall.test:${addr.port}`)
})

test('close() removes the temp dirs it made', { skip }, async () => {
  const ours = (): string[] => readdirSync(tmpdir()).filter(f => /^(hall-chromium-|playwright_chromiumdev_profile-)/.test(f))
  const before = new Set(ours())
  const browser = await launchChromium()
  const made = ours().filter(f => !before.has(f))
  assert.ok(made.some(f => f.startsWith('hall-chromium-')), `made: ${made.join(', ')}`)
  assert.equal(await (await browser.newPage()).evaluate(() => 1 + 1), 2)
  await browser.close()
  assert.equal(browser.isConnected(), false)
  assert.deepEqual(made.filter(f => existsSync(join(tmpdir(), f))), [])
})
