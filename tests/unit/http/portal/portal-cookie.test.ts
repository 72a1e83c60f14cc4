import assert from 'node:assert/strict'
import { test } from 'node:test'
import { portalCookie, portalLoginPolicy } from '../../../../service/src/http/portal/portal-cookie.js'

test('over https the session cookie is __Secure-, Secure, for the cookie domain, HttpOnly, SameSite=Lax', () => {
  const cookie = portalCookie('https://hall.example.com', 'example.com')
  assert.deepEqual(cookie, { name: '__Secure-hall_portal', options: { path: '/', httpOnly: true, sameSite: 'lax', secure: true, domain: 'example.com' } })
})

test('over plain http: no prefix, no Secure; without HALL_COOKIE_DOMAIN: no Domain (Hall\'s host only)', () => {
  assert.deepEqual(portalCookie('http://hall.lan.test', null), { name: 'hall_portal', options: { path: '/', httpOnly: true, sameSite: 'lax', secure: false } })
})

test('the login form\'s nonce stays on Hall\'s host: __Host- over https, signed, SameSite=Strict, never a Domain', () => {
  const https = portalLoginPolicy('https://hall.example.com', portalCookie('https://hall.example.com', 'example.com'))
  assert.equal(https.login, '__Host-hall_portal_login')
  assert.deepEqual(https.options, { path: '/', httpOnly: true, sameSite: 'strict', secure: true, signed: true })
  const http = portalLoginPolicy('http://hall.lan.test', portalCookie('http://hall.lan.test', 'lan.test'))
  assert.equal(http.login, 'hall_portal_login', 'apart from the admin\'s hall_login')
  assert.equal(http.options.domain, undefined)
})
