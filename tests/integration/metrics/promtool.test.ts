import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { test } from 'node:test'
import { skipUnless } from '../../helpers/missing-tool.js'
import { valueOf } from './exposition.js'
import { DOMAIN, startRig, wakeAndShutDown } from './rig.js'

const PROMTOOL = '/usr/bin/promtool'
const skip = skipUnless({ promtool: existsSync(PROMTOOL), sshd: existsSync('/usr/sbin/sshd') })

test('promtool check metrics passes clean on the output of a Hall that woke and shut down a server', { skip }, async (t) => {
  const r = await startRig()
  t.after(() => r.close())
  await wakeAndShutDown(r)
  const text = await r.scrape()

  // promtool prints each problem (a _total gauge, a missing HELP...) and exits 1 on any
  const check = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 10_000 })
  assert.equal(check.stdout + check.stderr, '', 'promtool printed nothing')
  assert.equal(check.status, 0)

  // what the day did, as a user reading the dashboard would see it
  assert.equal(valueOf(text, 'hall_wakes_total', { server: 'lab', trigger: 'request', outcome: 'running' }), 1)
  assert.equal(valueOf(text, 'hall_boot_duration_seconds_count', { server: 'lab' }), 1)
  const bootSeconds = valueOf(text, 'hall_boot_duration_seconds_sum', { server: 'lab' })!
  const wake = r.hall.store.wakes.latest('lab')!
  assert.equal(bootSeconds, (wake.runningAt! - wake.requestedAt) / 1000, 'the boot time is the wake record\'s')
  assert.equal(valueOf(text, 'hall_shutdowns_total', { server: 'lab', outcome: 'off' }), 1)
  assert.equal(valueOf(text, 'hall_server_state', { server: 'lab', state: 'OFFLINE' }), 1)
  assert.equal(valueOf(text, 'hall_server_state', { server: 'lab', state: 'RUNNING' }), 0)
  assert.equal(valueOf(text, 'hall_forward_auth_answers_total', { domain: DOMAIN, outcome: 'redirect' }), 1)
  assert.ok(valueOf(text, 'hall_probe_failures_total', { server: 'lab', check: 'http' })! >= 1, 'the sleeping server failed its http check')
  assert.ok(Number.isFinite(valueOf(text, 'hall_energy_saved_kwh', { server: 'lab' })), 'the energy report\'s figure for a server with power')
  assert.ok(valueOf(text, 'process_cpu_seconds_total') !== undefined, 'the process metrics are there')
  for (const gone of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    assert.ok(!text.includes(gone), `${gone} is left out`)
  }
})
