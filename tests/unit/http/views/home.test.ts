import { test } from 'node:test'
import assert from 'node:assert/strict'
import { messages } from '../../../../service/src/http/i18n.js'
import { renderHomePage, type HomeService } from '../../../../service/src/http/views/home.js'
import { renderNotFoundPage } from '../../../../service/src/http/views/not-found.js'

test('home page lists each service with its state and a link', () => {
  const html = renderHomePage([
    { domain: 'testing.audit-io.fr', state: 'OFFLINE', url: 'https://testing.audit-io.fr/' },
    { domain: 'erp.audit-io.fr', state: 'RUNNING', url: 'https://erp.audit-io.fr/' }
  ])
  assert.match(html, /<html lang="en">/)
  assert.match(html, /<a href="https:\/\/testing.audit-io.fr\/">testing.audit-io.fr<\/a>/)
  assert.match(html, /<a href="https:\/\/erp.audit-io.fr\/">erp.audit-io.fr<\/a>/)
  assert.match(html, /class="badge badge-offline"><span class="visually-hidden">State: <\/span>Asleep</)
  assert.match(html, /class="badge badge-running"><span class="visually-hidden">State: <\/span>Running</)
  assert.equal(html.match(/<li class="service">/g)?.length, 2)
})

test('home page with no services says so', () => {
  assert.match(renderHomePage([]), /does not front any service yet/)
})

test('home page escapes hostile domains and urls', () => {
  const bad = '"><script>alert(1)</script>'
  const html = renderHomePage([{ domain: bad, state: 'WAKING', url: `https://x.test/${bad}` }])
  assert.doesNotMatch(html, /<script/)
  assert.match(html, /href="https:\/\/x.test\/&quot;&gt;&lt;script&gt;/)
  assert.match(html, />&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/a>/)
})

const services: HomeService[] = [
  { domain: 'testing.audit-io.fr', state: 'OFFLINE', url: 'https://testing.audit-io.fr/' },
  { domain: 'erp.audit-io.fr', state: 'RUNNING', url: 'https://erp.audit-io.fr/' }
]

test('home page in French: lang attribute, heading, intro, state label and badges', () => {
  const html = renderHomePage(services, 'fr')
  assert.match(html, /<html lang="fr">/)
  assert.match(html, /<h1>Services<\/h1>/)
  assert.match(html, /Les serveurs en veille se réveillent quand vous les ouvrez/)
  assert.match(html, /class="badge badge-offline"><span class="visually-hidden">État : <\/span>En veille</)
  assert.match(html, /class="badge badge-running"><span class="visually-hidden">État : <\/span>En marche</)
  assert.match(html, /<a href="https:\/\/erp.audit-io.fr\/">erp.audit-io.fr<\/a>/)
  assert.doesNotMatch(html, /Sleeping servers|State: |Asleep|Running/)
})

test('home page with no services says so in French', () => {
  const html = renderHomePage([], 'fr')
  assert.match(html, /Hall ne dessert encore aucun service\./)
  assert.doesNotMatch(html, /does not front/)
})

test('home page: every state has a badge in both languages, none left as the raw phase name', () => {
  for (const lang of ['en', 'fr'] as const) {
    for (const [phase, text] of Object.entries(messages[lang].badge)) {
      const html = renderHomePage([{ domain: 'x.test', state: phase as HomeService['state'], url: 'https://x.test/' }], lang)
      assert.match(html, new RegExp(`class="badge badge-${phase.toLowerCase()}"><span class="visually-hidden">[^<]+</span>${text}</span>`), `${lang} ${phase}`)
    }
  }
})

test('home page in French still escapes hostile domains and urls', () => {
  const bad = '"><script>alert(1)</script>'
  const html = renderHomePage([{ domain: bad, state: 'WAKING', url: `https://x.test/${bad}` }], 'fr')
  assert.doesNotMatch(html, /<script/)
  assert.match(html, /href="https:\/\/x.test\/&quot;&gt;&lt;script&gt;/)
  assert.match(html, />&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/a>/)
  assert.match(html, /État : <\/span>Réveil</)
})

test('home page never links to a non-http url', () => {
  const html = renderHomePage([{ domain: 'x.test', state: 'IDLE', url: 'javascript:alert(1)' }])
  assert.doesNotMatch(html, /javascript:/)
  assert.doesNotMatch(html, /<a href/)
  assert.match(html, /<span class="service-name">x.test<\/span>/)
})

test('not-found page names the domain, escaped', () => {
  const html = renderNotFoundPage('<b>evil</b>.test')
  assert.match(html, /Hall does not serve <strong class="domain">&lt;b&gt;evil&lt;\/b&gt;.test<\/strong>/)
  assert.doesNotMatch(html, /<b>/)
})

test('not-found page in French', () => {
  const html = renderNotFoundPage('x.test', 'fr')
  assert.match(html, /<html lang="fr">/)
  assert.match(html, /Hall ne sert pas <strong class="domain">x.test<\/strong>\./)
  assert.doesNotMatch(html, /does not serve/)
})
