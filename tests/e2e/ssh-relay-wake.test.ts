import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { request } from 'undici'
import { startSshd } from '../helpers/sshd.js'
import { assertTimelineOrdered, DOMAIN, startStack, type Stack } from './support.js'
import { skipUnless } from '../helpers/missing-tool.js'

// The SSH hop end to end: Hall logs in to a real OpenSSH server on loopback (the relay on the
// LAN) and runs Debian's `wakeonlan` there, which sends the magic packet to the sim server.

const skip = skipUnless({ sshd: existsSync('/usr/sbin/sshd'), wakeonlan: existsSync('/usr/bin/wakeonlan') })

/** A browser navigation as the proxy forwards it: GET, accepting HTML. */
async function browserVisit (stack: Stack): Promise<{ statusCode: number, location: string | undefined }> {
  const res = await request(`${stack.hall.url}/forward-auth`, {
    headers: {
      'x-forwarded-host': DOMAIN,
      'x-forwarded-uri': '/dashboard?tab=1',
      'x-forwarded-method': 'GET',
      'x-forwarded-proto': 'https',
      accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8'
    }
  })
  await res.body.dump()
  const location = res.headers.location
  return { statusCode: res.statusCode, location: typeof location === 'string' ? location : undefined }
}

test('a wake through the SSH relay runs wakeonlan there, the server wakes and Hall records it', { skip, timeout: 30_000 }, async (t) => {
  const sshd = await startSshd()
  t.after(() => sshd.stop())
  const stack = await startStack(t, { aliveAfterMs: 500, readyAfterMs: 1500, relay: sshd })

  const visit = await browserVisit(stack)
  assert.equal(visit.statusCode, 302)
  assert.equal(visit.location, `${stack.hall.url}/waiting/${DOMAIN}?to=${encodeURIComponent(`https://${DOMAIN}/dashboard?tab=1`)}`)

  const status = await stack.waitForStatus(s => s.state === 'RUNNING', 20_000, 'the server should wake through the relay')
  const wake = status.last_wake
  assert.ok(wake !== null)
  assert.equal(wake.method, 'ssh')
  assert.equal(wake.trigger, 'request')
  assert.equal(wake.exit_code, 0)
  assert.equal(wake.packets_sent, 0) // the relay's wakeonlan sent them, not Hall
  assert.equal(wake.outcome, 'running')
  assert.equal(wake.error, null)
  assert.equal(assertTimelineOrdered(wake), null)
  assert.ok(stack.sim.wakeCount >= 1, `sim saw ${stack.sim.wakeCount} magic packet(s)`)
  assert.equal(stack.sim.state, 'up')
  assert.equal(stack.wakeRows(), 1)

  // awake now: the same navigation passes
  assert.equal((await browserVisit(stack)).statusCode, 200)
})

test('a relay presenting another host key is refused: the wake fails with HALL_ERR_SSH_HOST_KEY_MISMATCH and nothing is woken', { skip, timeout: 30_000 }, async (t) => {
  const sshd = await startSshd()
  t.after(() => sshd.stop())
  // well formed, and not this sshd's key
  const wrong = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU'
  assert.notEqual(sshd.hostKeySha256, wrong)
  const stack = await startStack(t, { aliveAfterMs: 500, readyAfterMs: 1500, relay: { ...sshd, hostKeySha256: wrong } })

  assert.equal((await browserVisit(stack)).statusCode, 302)

  const status = await stack.waitForStatus(s => s.last_wake?.outcome === 'failed', 15_000, 'the wake should fail on the host key')
  const wake = status.last_wake
  assert.ok(wake !== null)
  assert.equal(status.state, 'OFFLINE')
  assert.equal(wake.method, 'ssh')
  assert.equal(wake.error?.code, 'HALL_ERR_SSH_HOST_KEY_MISMATCH')
  // the public status says what kind of failure; the details (both fingerprints) are in the event log
  assert.equal(wake.error.message, 'the relay could not run the command')
  const logged = stack.eventMessages('wake-failed')
  assert.ok(logged.some(m => m.includes(wrong)), logged.join('\n'))
  assert.equal(wake.running_at, null)
  assert.equal(stack.sim.wakeCount, 0, 'the command never ran, so no magic packet was sent')
  assert.equal(stack.sim.state, 'off')

  // the waiting page says so instead of waiting forever
  const res = await request(`${stack.hall.url}/waiting/${DOMAIN}?to=${encodeURIComponent(`https://${DOMAIN}/`)}`)
  assert.equal(res.statusCode, 200)
  const html = await res.body.text()
  assert.match(html, /data-failed="true"/)
  assert.match(html, /<p class="state" id="hall-state"[^>]*>The server did not wake up<\/p>/)
  assert.match(html, /<div class="failure" id="hall-failure" role="alert">/) // not hidden
  const message = /<p id="hall-failure-message">([^<]+)<\/p>/.exec(html)?.[1] ?? ''
  assert.equal(message, 'the relay could not run the command', 'no relay address or key path on a public page')
  assert.match(html, /HALL_ERR_SSH_HOST_KEY_MISMATCH/)
  assert.match(html, /<code id="hall-failure-code">HALL_ERR_SSH_HOST_KEY_MISMATCH<\/code>/)
  assert.doesNotMatch(html, /http-equiv="refresh"/, 'a failed page does not reload itself into a new wake')
})
