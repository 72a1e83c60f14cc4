import assert from 'node:assert/strict'
import { test } from 'node:test'
import { renderCard } from '../../../../../service/src/http/admin/views/card.js'
import { renderOverviewPage } from '../../../../../service/src/http/admin/views/overview.js'
import { assertCspSafe, card, ctx, HOSTILE, NOW, viewer } from './fixtures.js'

test('a card names its server, state, policy, time in the state and domains, with data-server and data-state', () => {
  const html = renderCard(card(), ctx())
  assert.match(html, /<article class="server-card" id="server-lab" data-server="lab" data-state="OFFLINE" aria-labelledby="server-lab-name">/)
  assert.match(html, /<h2 id="server-lab-name"><a href="\/admin\/servers\/lab">lab<\/a><\/h2>/)
  assert.match(html, /class="badge badge-offline" data-field="state">Asleep</)
  assert.match(html, /<dd>On demand<\/dd>/)
  assert.match(html, /<dd data-field="since">2 min 5 s<\/dd>/)
  assert.match(html, /app\.hall\.test/)
  assertCspSafe(html, assert)
})

test('an admin gets Wake and Shut down as forms with the token, an accessible name and a question; hidden when not possible', () => {
  const html = renderCard(card({ state: 'RUNNING', actions: { wake: false, shutdown: true, shutdown_refusal: null } }), ctx())
  assert.match(html, /<form method="post" action="\/admin\/servers\/lab\/wake" class="card-action" data-action="wake" data-confirm="Wake lab now\?" hidden>/)
  assert.match(html, /<form method="post" action="\/admin\/servers\/lab\/shutdown" class="card-action" data-action="shutdown" data-confirm="Shut down lab now\?">/)
  assert.match(html, /<button type="submit" class="button" aria-label="Wake lab">Wake<\/button>/)
  assert.match(html, /aria-label="Shut down lab">Shut down</)
  assert.equal(html.match(/<input type="hidden" name="_csrf" value="tok&quot;en&lt;">/g)?.length, 2, 'the token, escaped, in each form')
})

test('a viewer sees the same card without any form', () => {
  const html = renderCard(card({ state: 'RUNNING', actions: { wake: false, shutdown: true, shutdown_refusal: null } }), viewer())
  assert.doesNotMatch(html, /<form|<button|_csrf/)
  assert.match(html, /data-state="RUNNING"/)
})

test('a refused shutdown says why; a wake under way lists its steps; an idle countdown and the schedule are shown', () => {
  const html = renderCard(card({
    state: 'WAKING',
    wake: { requested_at_ms: NOW - 30_000, sent_at_ms: NOW - 29_000, alive_at_ms: null, running_at_ms: null },
    schedule: { open: true, next_change: 'closes', next_change_local: '2026-11-26T19:00:00+01:00' },
    actions: { wake: false, shutdown: false, shutdown_refusal: 'always-on' }
  }), ctx())
  assert.match(html, /<p data-field="refusal" class="refusal">No shutdown: its policy is always on/)
  assert.match(html, /<div class="wake-steps" data-field="steps">/)
  assert.match(html, /<li data-step="sent"><span class="step-label">Wake-on-LAN sent<\/span> <span data-field="step-at">\+1 s<\/span><\/li>/)
  assert.match(html, /<li data-step="alive">.*<span data-field="step-at">waiting<\/span>/)
  assert.match(html, /Schedule window open; it closes at 2026-11-26 19:00\./)
  const idle = renderCard(card({ state: 'IDLE', idle_shutdown_at_ms: NOW + 90_000 }), ctx())
  assert.match(idle, /<p data-field="countdown">Idle: shuts down in 1 min 30 s<\/p>/)
  assert.match(idle, /<div class="wake-steps" data-field="steps" hidden>/)
})

test('a hostile server name and domain are text everywhere: attributes, link, heading, question, label', () => {
  const html = renderCard(card({ server: HOSTILE, domains: [HOSTILE] }), ctx())
  assertCspSafe(html, assert)
  assert.match(html, /data-server="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/)
  assert.match(html, /href="\/admin\/servers\/%22%3E%3Cscript%3Ealert\(1\)/)
  assert.match(html, /action="\/admin\/servers\/%22%3E%3Cscript%3E[^"]*\/wake"/)
  assert.match(html, /data-confirm="Wake &quot;&gt;&lt;script&gt;/)
})

test('the card in French', () => {
  const html = renderCard(card({ actions: { wake: true, shutdown: false, shutdown_refusal: 'schedule' } }), ctx({ lang: 'fr' }))
  assert.match(html, />En veille</)
  assert.match(html, /<dd>À la demande<\/dd>/)
  assert.match(html, /aria-label="Réveiller lab">Réveiller</)
  assert.match(html, /data-confirm="Réveiller lab maintenant \?"/)
  assert.match(html, /Pas d’arrêt : sa plage horaire est ouverte/)
  assert.doesNotMatch(html, /Asleep|On demand|>Wake</)
})

test('the overview page: the admin bar, the cards, the strings for the script as data, the live script; a hostile account name is text', () => {
  const html = renderOverviewPage([card(), card({ server: 'erp', state: 'RUNNING' })], ctx({ account: { name: HOSTILE, role: 'admin' } }))
  assertCspSafe(html, assert)
  assert.match(html, /<html lang="en">/)
  assert.match(html, /<title>Servers — Hall admin<\/title>/)
  assert.match(html, /<meta name="csrf-token" content="tok&quot;en&lt;">/)
  assert.match(html, /<script type="application\/json" id="hall-card-strings">/)
  assert.match(html, /<script type="module" src="\/admin\/assets\/overview.js"><\/script>/)
  assert.match(html, /<a href="\/admin\/" aria-current="page">Servers<\/a>/)
  assert.match(html, /<a href="\/admin\/accounts">Accounts<\/a>/)
  assert.match(html, /Signed in as <strong>&quot;&gt;&lt;script&gt;/)
  assert.match(html, /<form class="admin-account" method="post" action="\/admin\/logout"><input type="hidden" name="_csrf"/)
  assert.equal(html.match(/<article /g)?.length, 2)
  assert.match(html, /Times are in Europe\/Paris\./)
})

test('the overview for a viewer: no accounts link, its role said; no server: says so', () => {
  const html = renderOverviewPage([card()], viewer({ lang: 'fr' }))
  assert.doesNotMatch(html, /href="\/admin\/accounts"/)
  assert.match(html, /Connecté en tant que <strong>victor<\/strong> <span class="muted">\(lecteur, lecture seule\)<\/span>/)
  assert.match(renderOverviewPage([], ctx()), /Hall has no server in its config yet\./)
})

test('a notice after an action is text', () => {
  const html = renderOverviewPage([card()], ctx(), `Wake of ${HOSTILE} started.`)
  assert.match(html, /<p class="notice" role="status">Wake of &quot;&gt;&lt;script&gt;/)
  assertCspSafe(html, assert)
})

test('the CSP check these tests rely on catches what it should', () => {
  for (const bad of ['<script>alert(0)</script>', '<div style="color:red">', '<a href="#" onclick="x()">', '<script src="https://cdn.example/u.js"></script>']) {
    assert.throws(() => assertCspSafe(bad, assert), bad)
  }
  assertCspSafe('<script type="module" src="/admin/assets/overview.js"></script><p title="a onclick=b style=c">x</p>', assert)
})
