import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { test } from 'node:test'
import { createLogger } from '../../../service/src/logger.js'
import { addAccount, ask, cookieOf, csrfOf, loginForm, postLogin, startAdmin, PASSWORD } from './admin-rig.js'

test('a password and a session id never reach the log, at any level, through a whole admin session', async (t) => {
  const stream = new PassThrough()
  let logged = ''
  stream.setEncoding('utf8').on('data', (line: string) => { logged += line })
  const log = createLogger('trace', stream)
  const { hall } = await startAdmin(t, { log, env: { HALL_TRUSTED_PROXIES: '127.0.0.2/32' } })
  addAccount(hall, 'alice')
  const wrongPassword = 'hunter2-but-longer-than-twelve'

  await postLogin(hall, 'alice', wrongPassword)
  await postLogin(hall, 'nobody', wrongPassword)
  const answer = await postLogin(hall, 'alice', PASSWORD)
  const session = cookieOf(answer, 'hall_session')!
  const id = session.slice('hall_session='.length, session.indexOf('.'))
  const page = await ask(hall, '/admin/', { cookie: session })
  // a form without its token, a password in a query string, a forward-auth check, then the logout
  const form = await loginForm(hall)
  await ask(hall, '/admin/login', { cookie: form.cookie, form: { name: 'alice', password: PASSWORD } })
  await ask(hall, `/admin/login?name=alice&password=${encodeURIComponent(PASSWORD)}`)
  await ask(hall, '/forward-auth/admin', { from: '127.0.0.2', cookie: session, headers: { 'x-forwarded-for': '127.0.0.1', 'x-forwarded-host': 'hall.lan.test', 'x-forwarded-uri': '/admin/traefik/' } })
  await ask(hall, '/admin/logout', { cookie: session, form: { _csrf: csrfOf(page) } })
  await ask(hall, '/admin/', { cookie: session })
  const events = JSON.stringify(hall.store.events.recent(100))
  await hall.close()

  assert.ok(logged.split('\n').length > 20, 'the log was written at all')
  assert.match(logged, /"path":"\/admin\/login"/)
  for (const secret of [PASSWORD, wrongPassword, encodeURIComponent(PASSWORD), id, session]) {
    assert.equal(logged.includes(secret), false, `"${secret.slice(0, 6)}..." is in the log`)
  }
  // nor in the event log, which the admin pages show
  for (const secret of [PASSWORD, wrongPassword, id]) assert.equal(events.includes(secret), false)
})
