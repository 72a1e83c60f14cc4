import assert from 'node:assert/strict'
import { test } from 'node:test'
import { renderAccountsPage } from '../../../../../service/src/http/admin/views/accounts.js'
import { assertCspSafe, ctx, HOSTILE, NOW } from './fixtures.js'

const accounts = [
  { name: 'alice', role: 'admin' as const, createdAt: NOW - 86_400_000, lastLoginAt: NOW },
  { name: 'victor', role: 'viewer' as const, createdAt: NOW - 3600_000, lastLoginAt: null }
]

test('the accounts: name, role, created, last login; remove and new password per account, never for oneself', () => {
  const html = renderAccountsPage({ accounts }, ctx())
  assertCspSafe(html, assert)
  assert.match(html, /<tr data-account="alice"><th scope="row">alice <span class="muted">\(you\)<\/span><\/th><td>admin<\/td>/)
  assert.match(html, /<tr data-account="victor"><th scope="row">victor<\/th><td>viewer, read only<\/td><td><time[^>]*>[^<]+<\/time><\/td><td>never<\/td>/)
  assert.doesNotMatch(html, /\/admin\/accounts\/alice\/remove/, 'no removing oneself')
  assert.match(html, /<form method="post" action="\/admin\/accounts\/victor\/remove" data-confirm="Remove the account victor\? Its sessions end at once\.">/)
  assert.match(html, /aria-label="Remove the account victor">Remove</)
  assert.match(html, /<label for="password-victor" class="visually-hidden">New password for victor<\/label>/)
  assert.match(html, /<input id="password-victor" name="password" type="password" required minlength="12" maxlength="1024" autocomplete="new-password"/)
  assert.match(html, /aria-label="Set the password of alice"/)
  assert.match(html, /<select id="account-role" name="role"><option value="admin">admin<\/option><option value="viewer" selected>viewer, read only<\/option><\/select>/)
  assert.match(html, /<a href="\/admin\/accounts" aria-current="page">Accounts<\/a>/)
})

test('a hostile account name is text in every attribute, label and question; a refused form keeps the name, never the password', () => {
  const html = renderAccountsPage({ accounts: [...accounts, { name: HOSTILE, role: 'viewer', createdAt: NOW, lastLoginAt: null }], form: { name: HOSTILE, role: 'admin' }, problem: 'The password is too short: at least 12 characters.' }, ctx())
  assertCspSafe(html, assert)
  assert.match(html, /action="\/admin\/accounts\/%22%3E%3Cscript%3E[^"]*\/remove"/)
  assert.match(html, /<input id="account-name" name="name" required maxlength="64" value="&quot;&gt;&lt;script&gt;/)
  assert.match(html, /<option value="admin" selected>admin<\/option>/)
  assert.doesNotMatch(html, /name="password"[^>]*value=/)
  assert.match(html, /<p class="problem" role="alert">Not done: The password is too short/)
})

test('the accounts page in French', () => {
  const html = renderAccountsPage({ accounts }, ctx({ lang: 'fr' }))
  assert.match(html, /<h1>Comptes<\/h1>/)
  assert.match(html, /alice <span class="muted">\(vous\)<\/span>/)
  assert.match(html, /Ajouter le compte/)
  assert.match(html, /Supprimer le compte victor \?/)
})
