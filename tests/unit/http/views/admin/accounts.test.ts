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
  assert.match(html, /<select id="account-role" name="role" aria-describedby="account-role-hint"><option value="admin">admin<\/option><option value="viewer" selected>viewer, read only<\/option><\/select>/)
  assert.doesNotMatch(html, /value="client"|name="project_/, 'no client role where Hall has no client projects')
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

test('with client projects: the client role, a box per project, and each client\'s projects listed', () => {
  const projects = { names: ['acme', HOSTILE], byAccount: new Map([['carol', ['acme']]]) }
  const html = renderAccountsPage({ accounts: [...accounts, { name: 'Carol', role: 'client', createdAt: NOW, lastLoginAt: null }], projects, form: { name: 'x', role: 'client', projects: ['acme'] } }, ctx())
  assertCspSafe(html, assert)
  assert.match(html, /<option value="client" selected>client, their projects only<\/option>/)
  assert.match(html, /<input type="checkbox" name="project_acme" value="yes" checked> acme<\/label>/)
  assert.match(html, /name="project_&quot;&gt;&lt;script&gt;/)
  // names compare without case, as the store compares them
  assert.match(html, /<tr data-account="Carol"><th scope="row">Carol<\/th><td>client, their projects only<\/td><td><a href="\/admin\/projects\/acme">acme<\/a><\/td>/)
  assert.match(html, /<tr data-account="victor"><th scope="row">victor<\/th><td>viewer, read only<\/td><td>—<\/td>/)
})
