import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { parseConfig } from '../../../service/src/config/load.js'
import { createSupervisor } from '../../../service/src/lifecycle/supervisor.js'
import { createWaker } from '../../../service/src/power/wake.js'
import type { ProbeOutcome } from '../../../service/src/ports/probe.js'
import type { WakeMethod } from '../../../service/src/ports/power-records.js'
import { openHallStore, type HallStore } from '../../../service/src/store/index.js'
import { createFakeClock } from '../../helpers/fake-clock.js'
import { supervisorHarness } from '../../helpers/supervisor-harness.js'
import { listenForMagicPackets } from '../../helpers/udp-listener.js'

// What a kill -9 leaves in the wakes row at each point of the sending window, and what the next
// Hall does with it: a magic packet is harmless to repeat, a relay command may not be.

/** A wake a previous run of Hall left pending 1 s ago, stamped as far as it got. */
function leftPending (store: HallStore, now: number, method: WakeMethod, stage: 'written' | 'sending' | 'sent'): number {
  const id = store.wakes.begin({ server: 'lab', trigger: 'request', method, requestedAt: now - 1_000 })
  if (stage !== 'written') store.wakes.markSending(id, now - 999)
  if (stage === 'sent') store.wakes.markSent(id, { at: now - 800, packetsSent: method === 'udp' ? 3 : 0, exitCode: method === 'ssh' ? 0 : null, stderr: null })
  return id
}

const ssh = { wake: { method: 'ssh', relay: 'admin', command: 'wakeonlan {mac}' } }
const cases = [
  { name: 'udp, row written, nothing sent', server: {}, method: 'udp', stage: 'written', resent: true },
  { name: 'udp, sending started (0 to 2 of 3 packets out)', server: {}, method: 'udp', stage: 'sending', resent: true },
  { name: 'udp, burst recorded as sent', server: {}, method: 'udp', stage: 'sent', resent: false },
  { name: 'ssh, row written, command not started', server: ssh, method: 'ssh', stage: 'written', resent: true },
  { name: 'ssh, command started: it may not be idempotent', server: ssh, method: 'ssh', stage: 'sending', resent: false },
  { name: 'ssh, command finished', server: ssh, method: 'ssh', stage: 'sent', resent: false }
] as const

for (const c of cases) {
  test(`restart after a kill -9: ${c.name} -> ${c.resent ? 'sent again' : 'not sent again'}`, async (t) => {
    let wakeId = 0
    const h = supervisorHarness(t, {
      server: { ...c.server, probe_interval_seconds: 10 },
      history: (store, now) => { wakeId = leftPending(store, now, c.method, c.stage) }
    })
    h.machine.obeysWake = false // still booting: the wake stays in flight while the test looks
    const before = h.store.wakes.get(wakeId)!
    h.supervisor.start()
    await h.advance(1_000)
    assert.equal(h.supervisor.state().phase, 'WAKING', 'the wake is resumed')
    assert.equal(h.supervisor.wakeId(), wakeId, 'as the same row: never a second one for one request')
    assert.equal(h.machine.wakes, c.resent ? 1 : 0)
    const after = h.store.wakes.get(wakeId)!
    if (c.resent) {
      assert.notEqual(after.sentAt, null)
    } else {
      assert.equal(after.sendStartedAt, before.sendStartedAt, 'the send was not started again')
    }
  })
}

test('a burst resent after a restart is not cut short when the server turns out to be up already: all 3 packets leave and the row says so', async (t) => {
  const packets = await listenForMagicPackets()
  const dir = mkdtempSync(join(tmpdir(), 'hall-interrupted-'))
  const store = openHallStore(join(dir, 'hall.db'))
  t.after(async () => { await packets.close(); store.close(); rmSync(dir, { recursive: true, force: true }) })
  const clock = createFakeClock()
  const wakeId = leftPending(store, clock.now(), 'udp', 'sending')
  const server = parseConfig(JSON.stringify({
    servers: { lab: { ip: '127.0.0.1', mac: '02:00:00:00:00:07', wake: { method: 'udp', broadcast: '127.0.0.1', port: packets.port }, wake_timeout_seconds: 60 } },
    domains: { 'app.hall.test': { server: 'lab', upstream: 'http://127.0.0.1:9' } }
  })).servers.get('lab')!
  const supervisor = createSupervisor({
    server,
    clock,
    store,
    log: { info () {}, warn () {}, error () {} },
    onChange: () => {},
    // the first packet before the crash booted it: the first probe finds it serving
    prober: { probe: async (): Promise<ProbeOutcome> => ({ alive: true, ready: true, checks: [] }) },
    waker: createWaker(),
    shutdowner: { isBusy: async () => false, shutdown: async () => ({ exitCode: 0, stderr: '', durationMs: 0 }) }
  })
  t.after(() => supervisor.stop())

  supervisor.start()
  await packets.waitFor(1, 2_000)
  clock.advance(0) // the first probe: RUNNING while the burst is on its way
  await new Promise(resolve => setImmediate(resolve))
  assert.equal(supervisor.state().phase, 'RUNNING')
  await packets.waitFor(3, 2_000)
  const end = Date.now() + 2_000
  while (store.wakes.get(wakeId)!.sentAt === null && Date.now() < end) await new Promise(resolve => setTimeout(resolve, 10))
  const row = store.wakes.get(wakeId)!
  assert.deepEqual([row.outcome, row.packetsSent, row.sentAt !== null], ['running', 3, true])
  assert.equal(packets.packets.length, 3)
})

test('stopped (not retired) while its burst is going out, a supervisor hands nothing on: the next one over the same database and waker sends the wake again', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hall-interrupted-'))
  const store = openHallStore(join(dir, 'hall.db'))
  t.after(() => { store.close(); rmSync(dir, { recursive: true, force: true }) })
  const clock = createFakeClock()
  const sends = { started: 0, done: 0 }
  // one waker for both, as one fleet's supervisors share it; a burst takes 200 ms of fake time
  const waker = {
    wake: async (_server: unknown, signal: AbortSignal) => {
      sends.started++
      await new Promise((resolve, reject) => {
        const timer = clock.setTimeout(() => resolve(undefined), 200)
        signal.addEventListener('abort', () => { clock.clearTimeout(timer); reject(new Error('aborted')) })
      })
      sends.done++
      return { method: 'udp' as const, packetsSent: 3, exitCode: null, stderr: null, durationMs: 200 }
    }
  }
  const server = parseConfig(JSON.stringify({
    servers: { lab: { ip: '127.0.0.1', mac: '02:00:00:00:00:07', wake_timeout_seconds: 60 } },
    domains: { 'app.hall.test': { server: 'lab', upstream: 'http://127.0.0.1:9' } }
  })).servers.get('lab')!
  const build = () => createSupervisor({
    server,
    clock,
    store,
    log: { info () {}, warn () {}, error () {} },
    onChange: () => {},
    prober: { probe: async (): Promise<ProbeOutcome> => ({ alive: false, ready: false, checks: [] }) },
    waker,
    shutdowner: { isBusy: async () => false, shutdown: async () => ({ exitCode: 0, stderr: '', durationMs: 0 }) }
  })
  const settle = async (): Promise<void> => { for (let i = 0; i < 3; i++) await new Promise(resolve => setImmediate(resolve)) }

  const first = build()
  first.start()
  clock.advance(0)
  await settle()
  first.requestWake('request')
  await settle()
  assert.equal(sends.started, 1, 'the burst is going out')
  first.stop()
  const second = build()
  t.after(() => second.stop())
  second.start()
  await settle()
  assert.equal(sends.started, 2, 'sent again: the stopped supervisor\'s burst reports to no one')
  clock.advance(300)
  await settle()
  assert.equal(sends.done, 1)
  const row = store.wakes.get(second.wakeId()!)!
  assert.deepEqual([row.packetsSent, row.sentAt !== null], [3, true])
})
