import assert from 'node:assert/strict'
import { test } from 'node:test'
import { renderKeysPage } from '../../../../../service/src/http/admin/views/keys.js'
import type { ApiKeyRecord } from '../../../../../service/src/store/index.js'
import { assertCspSafe, ctx, HOSTILE, NOW, viewer } from './fixtures.js'

function key (over: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return { id: 1, name: 'uptime', prefix: '0a1b2c3d', servers: null, actions: null, createdAt: NOW - 86_400_000, lastUsedAt: null, revokedAt: null, ...over }
}

test('the keys: name, prefix, scope, created, last used, status; an admin can revoke an active key and make a new one', () => {
  const html = renderKeysPage({ keys: [key(), key({ id: 2, name: 'ci', prefix: 'ffff0000', servers: ['lab'], actions: ['wake'], lastUsedAt: NOW - 60_000, revokedAt: NOW })] }, ctx())
  assertCspSafe(html, assert)
  assert.match(html, /<tr data-key="uptime"><th scope="row">uptime<\/th><td><code>0a1b2c3d<\/code><\/td><td>every server<\/td><td>every action<\/td><td><time[^>]*>[^<]+<\/time><\/td><td>never<\/td><td>active<\/td>/)
  assert.match(html, /<form method="post" action="\/admin\/keys\/uptime\/revoke" data-confirm="Revoke the key uptime\? Clients using it will be refused\.">/)
  assert.match(html, /aria-label="Revoke the key uptime">Revoke</)
  assert.match(html, /<tr data-key="ci" class="revoked">.*<td>lab<\/td><td>wake<\/td>.*revoked <time/)
  assert.doesNotMatch(html, /\/admin\/keys\/ci\/revoke/, 'a revoked key has no revoke button')
  assert.match(html, /<form method="post" action="\/admin\/keys" class="stacked" aria-labelledby="new-key-h">/)
  assert.match(html, /<label for="key-name">Name<\/label>/)
  assert.match(html, /<input type="checkbox" name="action_wake" value="yes" checked>/)
  assert.match(html, /<script type="module" src="\/admin\/assets\/forms.js"><\/script>/)
})

test('the key just made is shown once, in a field to copy, with a copy button the script reveals', () => {
  const html = renderKeysPage({ keys: [key()], created: { name: 'uptime', key: 'hall_0a1b2c3d_secret"<' } }, ctx())
  assert.match(html, /Key uptime created\. Copy it now: it is shown only this once\./)
  assert.match(html, /<input id="hall-new-key" class="secret" readonly value="hall_0a1b2c3d_secret&quot;&lt;"/)
  assert.match(html, /<label for="hall-new-key" class="visually-hidden">The new key<\/label>/)
  assert.match(html, /<button type="button" class="button" id="hall-copy-key" data-copied="Copied" hidden>Copy<\/button>/)
})

test('a viewer sees the list only: no form, no script', () => {
  const html = renderKeysPage({ keys: [key()] }, viewer())
  assert.doesNotMatch(html, /<form method="post" action="\/admin\/keys|forms\.js/)
  assert.match(html, /<td>active<\/td><\/tr>/)
})

test('a refused form comes back with its values and the reason, as text; in French', () => {
  const html = renderKeysPage({ keys: [], form: { name: HOSTILE, servers: HOSTILE, actions: ['shutdown'] }, problem: `bad ${HOSTILE}` }, ctx({ lang: 'fr' }))
  assertCspSafe(html, assert)
  assert.match(html, /<p class="problem" role="alert">Rien n’a été fait : bad &quot;&gt;&lt;script&gt;/)
  assert.match(html, /<input type="checkbox" name="action_wake" value="yes">/)
  assert.match(html, /<input type="checkbox" name="action_shutdown" value="yes" checked>/)
  assert.match(html, /Aucune clé d’API pour l’instant\./)
  assert.match(html, /Créer la clé/)
})
