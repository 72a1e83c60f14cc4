import assert from 'node:assert/strict'
import test from 'node:test'
import { isBrowserNavigation } from '../../../../service/src/http/forward-auth/browser-navigation.js'
import type { ForwardedRequest } from '../../../../service/src/http/forward-auth/forwarded.js'

const request = (patch: Partial<ForwardedRequest> = {}): ForwardedRequest => ({
  host: 'app.example.test',
  authority: 'app.example.test',
  proto: 'https',
  method: 'GET',
  uri: '/reports',
  accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
  isWebsocket: false,
  ...patch
})

const navigations: Array<{ name: string, patch: Partial<ForwardedRequest>, browser: boolean }> = [
  { name: 'GET text/html', patch: {}, browser: true },
  { name: 'HEAD text/html', patch: { method: 'HEAD' }, browser: true },
  { name: 'Accept in upper case', patch: { accept: 'TEXT/HTML' }, browser: true },
  { name: 'POST', patch: { method: 'POST' }, browser: false },
  { name: 'PUT', patch: { method: 'PUT' }, browser: false },
  { name: 'OPTIONS (CORS preflight)', patch: { method: 'OPTIONS' }, browser: false },
  { name: 'application/json', patch: { accept: 'application/json' }, browser: false },
  { name: '*/* only', patch: { accept: '*/*' }, browser: false },
  { name: 'websocket', patch: { isWebsocket: true }, browser: false }
]
for (const c of navigations) {
  test(`isBrowserNavigation: ${c.name} -> ${String(c.browser)}`, () => {
    assert.equal(isBrowserNavigation(request(c.patch)), c.browser)
  })
}
