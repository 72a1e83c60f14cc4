import assert from 'node:assert/strict'
import { test } from 'node:test'
import { request } from 'undici'
import { DOMAIN, startAsleep } from '../../helpers/hall-in-process.js'

test('assets: the page script, its helpers and the stylesheet are served; any other name is a 404, never a crash', async (t) => {
  const { hall } = await startAsleep(t)
  const script = await request(`${hall.url}/assets/waiting.js`)
  assert.equal(script.statusCode, 200)
  assert.match(String(script.headers['content-type']), /javascript/)
  assert.match(await script.body.text(), /location\.replace/)
  // the page script is a module: a browser loads what it imports only with a JavaScript type
  const imported = await request(`${hall.url}/assets/waiting-display.js`)
  assert.equal(imported.statusCode, 200)
  assert.match(String(imported.headers['content-type']), /^text\/javascript/)
  assert.match(await imported.body.text(), /export function formatDuration/)
  for (const name of ['__proto__', 'constructor', 'toString', 'nope.js']) {
    const res = await request(`${hall.url}/assets/${name}`)
    await res.body.dump()
    assert.equal(res.statusCode, 404, name)
  }
})

test('waiting page: a long original URL and a long domain name get a sane answer', async (t) => {
  const { hall } = await startAsleep(t)
  const longTo = `https://${DOMAIN}/${'x'.repeat(9000)}`
  const page = await request(`${hall.url}/waiting/${DOMAIN}?to=${encodeURIComponent(longTo)}`)
  assert.equal(page.statusCode, 200)
  assert.match(await page.body.text(), new RegExp(`data-to="https://${DOMAIN.replace(/\./g, '\\.')}/"`))
  const longHost = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.test`
  const unknown = await request(`${hall.url}/waiting/${longHost}`)
  assert.equal(unknown.statusCode, 404)
  assert.match(await unknown.body.text(), /does not serve/)
})

test('forward-auth: a very long original URL sends the browser back to the domain root', async (t) => {
  const { hall } = await startAsleep(t)
  const res = await request(`${hall.url}/forward-auth`, {
    headers: { 'x-forwarded-host': DOMAIN, 'x-forwarded-uri': `/${'y'.repeat(9000)}`, accept: 'text/html' }
  })
  await res.body.dump()
  assert.equal(res.statusCode, 302)
  assert.ok(String(res.headers.location).endsWith(`?to=${encodeURIComponent(`https://${DOMAIN}/`)}`))
})

test('home page lists the services with their state', async (t) => {
  const { hall } = await startAsleep(t)
  const res = await request(`${hall.url}/`)
  assert.equal(res.statusCode, 200)
  const html = await res.body.text()
  assert.match(html, new RegExp(DOMAIN.replace(/\./g, '\\.')))
  assert.match(html, /badge-offline/)
})

test('home page: language from Accept-Language, announced in the headers, under the strict CSP', async (t) => {
  const { hall } = await startAsleep(t)
  const cases = [
    { header: 'fr-FR,fr;q=0.9', lang: 'fr', text: /État : <\/span>En veille</ },
    { header: 'en-GB,fr;q=0.5', lang: 'en', text: /State: <\/span>Asleep</ },
    { header: undefined, lang: 'en', text: /State: <\/span>Asleep</ }
  ]
  for (const c of cases) {
    const res = await request(`${hall.url}/`, { headers: c.header === undefined ? {} : { 'accept-language': c.header } })
    assert.equal(res.statusCode, 200)
    const html = await res.body.text()
    assert.match(html, new RegExp(`<html lang="${c.lang}">`), String(c.header))
    assert.match(html, c.text, String(c.header))
    assert.equal(res.headers['content-language'], c.lang)
    assert.match(String(res.headers.vary), /accept-language/i)
    assert.match(String(res.headers['content-security-policy']), /script-src 'self';/)
  }
})

test('waiting page: language from Accept-Language, under the same strict CSP', async (t) => {
  const { hall } = await startAsleep(t)
  const url = `${hall.url}/waiting/${DOMAIN}?to=${encodeURIComponent(`https://${DOMAIN}/`)}`
  const cases = [
    { header: 'fr-FR,fr;q=0.9', lang: 'fr', text: /Le serveur est en veille/ },
    { header: 'fr;q=0.4, en-GB;q=0.8', lang: 'en', text: /The server is asleep/ },
    { header: undefined, lang: 'en', text: /The server is asleep/ }
  ]
  for (const c of cases) {
    const res = await request(url, { headers: c.header === undefined ? {} : { 'accept-language': c.header } })
    assert.equal(res.statusCode, 200)
    const html = await res.body.text()
    assert.match(html, new RegExp(`<html lang="${c.lang}">`), String(c.header))
    assert.match(html, c.text, String(c.header))
    assert.equal(res.headers['content-language'], c.lang)
    assert.match(String(res.headers.vary), /accept-language/i)
    assert.match(String(res.headers['content-security-policy']), /script-src 'self';/)
    assert.doesNotMatch(String(res.headers['content-security-policy']), /unsafe-inline/)
    assert.ok(html.includes(`data-events-url="/api/events/${DOMAIN}"`))
  }
  const unknown = await request(`${hall.url}/waiting/nope.test`, { headers: { 'accept-language': 'fr' } })
  assert.equal(unknown.statusCode, 404)
  assert.match(await unknown.body.text(), /Hall ne sert pas/)
})

test('status API says what the server is doing, in the words the page uses', async (t) => {
  const { hall } = await startAsleep(t)
  const res = await request(`${hall.url}/api/status/${DOMAIN}`)
  const status = await res.body.json() as { state: string, activity: string }
  assert.equal(status.state, 'OFFLINE')
  assert.equal(status.activity, 'asleep')
})

test('headers that only mean something over https are sent only when Hall is reached over https', async (t) => {
  const headersOf = async (publicUrl: string): Promise<Record<string, unknown>> => {
    const { hall } = await startAsleep(t, { HALL_PUBLIC_URL: publicUrl })
    const res = await request(`${hall.url}/`)
    await res.body.text()
    return res.headers
  }
  const lan = await headersOf('http://hall.lan:8080')
  assert.deepEqual([lan['cross-origin-opener-policy'], lan['origin-agent-cluster'], lan['strict-transport-security']], [undefined, undefined, undefined])
  assert.doesNotMatch(String(lan['content-security-policy']), /upgrade-insecure-requests/)
  const web = await headersOf('https://hall.example.test')
  assert.equal(web['cross-origin-opener-policy'], 'same-origin')
  assert.match(String(web['strict-transport-security']), /max-age=31536000/)
  assert.match(String(web['content-security-policy']), /upgrade-insecure-requests/)
})
