import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import test from 'node:test'
import { isSafeReturnUrl, safeReturnUrl } from '../../../../service/src/http/forward-auth/return-url.js'

interface Payloads { domain: string, cases: Array<{ name: string, to: string, ok: boolean }> }
const payloads = JSON.parse(readFileSync(new URL('../../../fixtures/open-redirect.json', import.meta.url), 'utf8')) as Payloads
const { domain } = payloads

test('open-redirect fixture has hostile and harmless cases', () => {
  assert.ok(payloads.cases.filter(c => c.ok).length >= 4)
  assert.ok(payloads.cases.filter(c => !c.ok).length >= 25)
})

for (const c of payloads.cases) {
  test(`return url: ${c.name} -> ${c.ok ? 'allowed' : 'refused'}`, () => {
    assert.equal(isSafeReturnUrl(domain, c.to), c.ok)
  })
}

test('return url: the domain is compared case-insensitively', () => {
  assert.equal(isSafeReturnUrl('App.Example.TEST', 'https://app.example.test/'), true)
})

test('return url: a very long URL is refused, a long one is fine', () => {
  const base = `https://${domain}/`
  assert.equal(isSafeReturnUrl(domain, base + 'a'.repeat(4000)), true)
  assert.equal(isSafeReturnUrl(domain, base + 'a'.repeat(5000)), false)
  assert.equal(isSafeReturnUrl(domain, base + 'a'.repeat(1_000_000)), false)
})

test('safeReturnUrl: a safe "to" is kept as written', () => {
  assert.equal(safeReturnUrl(domain, 'https://app.example.test:8443/a?b=1#c'), 'https://app.example.test:8443/a?b=1#c')
})

test('safeReturnUrl: missing or hostile "to" falls back to the domain root over https', () => {
  assert.equal(safeReturnUrl(domain, undefined), 'https://app.example.test/')
  for (const c of payloads.cases.filter(c => !c.ok)) {
    assert.equal(safeReturnUrl(domain, c.to), 'https://app.example.test/', c.name)
  }
})

// the waiting page reads the host of `to` as forward-auth reads X-Forwarded-Host (authority.ts)
const spellings: Array<{ name: string, domain: string, to: string, ok: boolean }> = [
  { name: 'fully qualified (trailing dot)', domain, to: 'https://app.example.test./a?b=1', ok: true },
  { name: 'trailing dot and a port', domain, to: 'https://app.example.test.:8443/a', ok: true },
  { name: 'the domain written with a trailing dot', domain: `${domain}.`, to: 'https://app.example.test/a', ok: true },
  { name: 'two trailing dots', domain, to: 'https://app.example.test../a', ok: false },
  { name: 'our host plus a dot and another label', domain, to: 'https://app.example.test.evil/a', ok: false },
  { name: 'an IP literal', domain, to: 'https://[::1]/a', ok: false }
]
for (const c of spellings) {
  test(`return url: ${c.name} -> ${c.ok ? 'allowed' : 'refused'}`, () => {
    assert.equal(isSafeReturnUrl(c.domain, c.to), c.ok)
  })
}
