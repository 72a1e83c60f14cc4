import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromiumAvailable, launchChromium } from '../../helpers/chromium.js'
import { serveOnLoopback } from '../../helpers/loopback-server.js'
import { missingTool } from '../../helpers/missing-tool.js'

const skip = !chromiumAvailable() && missingTool('chromium')

test('chromium opens pages on 127.0.0.1 and on *.test names mapped to loopback', { skip }, async (t) => {
  const base = await serveOnLoopback(t, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(`<!doctype html><title>ok</title><h1 id="host">${req.headers.host ?? ''}</h1>`)
  })
  const port = new URL(base).port

  const browser = await launchChromium()
  t.after(() => browser.close())
  const page = await browser.newPage()

  await page.goto(`http://127.0.0.1:${port}/`)
  assert.equal(await page.textContent('#host'), `127.0.0.1:${port}`)

  // Chromium sends the name it was given as Host, as it would for a real domain
  const res = await page.goto(`http://app.hall.test:${port}/x`)
  assert.equal(res?.status(), 200)
  assert.equal(await page.textContent('#host'), `app.hall.test:${port}`)
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
