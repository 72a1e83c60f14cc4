import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises'
import Database from 'better-sqlite3'
import { startSimulatedServer, type SimulatedServer } from '../../../service/src/demo/sim-server.js'
import { startHall, type HallProcess } from '../../helpers/hall-process.js'

// kill -9 at 20 points of the sending window of a UDP wake (power/udp.ts: 3 packets 100 ms
// apart), each followed by a restart over the same database. One server per kill point, so a
// single chain of 21 Hall processes covers them all without waiting for a server to power off.
// Each server is a simulated machine on loopback: its UDP socket counts every magic packet for
// its MAC (whatever its state), and it boots on the first one.

/** Where each kill lands: ms after the request was sent (before or while Hall writes the row), or after the first packet arrived. */
const KILL_POINTS: ReadonlyArray<{ after: 'request' | 'first packet', ms: number }> = [
  { after: 'request', ms: 0 },
  { after: 'request', ms: 1 },
  { after: 'request', ms: 3 },
  // 0 to 240 ms after the first packet: 1 packet out (< 100), 2 (100 to 200), then all 3 and sent_at
  ...Array.from({ length: 17 }, (_, i) => ({ after: 'first packet' as const, ms: i * 15 }))
]

interface WakeRow { id: number, send_started_at: number | null, sent_at: number | null, packets_sent: number | null, outcome: string }

function wakeRows (dbFile: string, server: string): WakeRow[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true })
  try {
    return db.prepare('SELECT id, send_started_at, sent_at, packets_sent, outcome FROM wakes WHERE server = ? ORDER BY id').all(server) as WakeRow[]
  } finally {
    db.close()
  }
}

async function stateOf (hall: HallProcess, domain: string): Promise<string> {
  const res = await fetch(`${hall.url}/api/status/${domain}`)
  return ((await res.json()) as { state: string }).state
}

/**
 * Two turns of the event loop: a datagram already in a socket's buffer (loopback delivers it
 * within the sender's send) is read in the poll phase between them, so counts are complete.
 */
async function readWhatArrived (): Promise<void> {
  await nextTurn()
  await nextTurn()
}

async function until (what: string, ok: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await delay(20)
  }
}

/** The request a browser makes for a sleeping server; a kill makes it fail, which is expected here. */
async function askFor (hall: HallProcess, domain: string): Promise<number | null> {
  try {
    const res = await fetch(`${hall.url}/forward-auth`, { headers: { 'x-forwarded-host': domain, accept: 'text/html' }, redirect: 'manual' })
    await res.arrayBuffer()
    return res.status
  } catch {
    return null
  }
}

function writeConfig (sims: readonly SimulatedServer[]): { file: string, dbFile: string, cleanup (): void } {
  const dir = mkdtempSync(join(tmpdir(), 'hall-kill-'))
  const file = join(dir, 'domains.json')
  const servers = Object.fromEntries(sims.map((sim, i) => [`s${i}`, {
    ip: '127.0.0.1',
    mac: macOf(i),
    policy: 'on_demand',
    wake: { method: 'udp', broadcast: '127.0.0.1', port: sim.udpPort },
    health: [{ type: 'http', url: `http://127.0.0.1:${sim.httpPort}/health`, expect_status: 200 }],
    probe_interval_seconds: 1,
    probe_timeout_seconds: 0.5,
    wake_timeout_seconds: 60
  }]))
  const domains = Object.fromEntries(sims.map((sim, i) => [domainOf(i), { server: `s${i}`, upstream: `http://127.0.0.1:${sim.httpPort}` }]))
  writeFileSync(file, JSON.stringify({ servers, domains }))
  return { file, dbFile: join(dir, 'hall.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

const macOf = (i: number): string => `02:00:00:00:01:${i.toString(16).padStart(2, '0')}`
const domainOf = (i: number): string => `s${i}.hall.test`

test('kill -9 at 20 points of a UDP wake\'s sending window: after each restart the server is woken by one complete burst, on one wake row', { timeout: 60_000 }, async (t) => {
  const firstPacket = new Map<number, () => void>()
  const sims: SimulatedServer[] = await Promise.all(KILL_POINTS.map((_, i) => startSimulatedServer({
    name: `s${i}`,
    mac: macOf(i),
    udpPort: 0,
    httpPort: 0,
    aliveAfterMs: 20,
    readyAfterMs: 60,
    // called on each of its magic packets, once counted
    log: () => { if ((sims[i]?.wakeCount ?? 0) > 0) firstPacket.get(i)?.() }
  })))
  const config = writeConfig(sims)
  const halls: HallProcess[] = []
  t.after(async () => {
    for (const h of halls) await h.stop()
    await Promise.all(sims.map(s => s.close()))
    config.cleanup()
  })
  // every Hall of the chain on this one database
  const dbFile = config.dbFile
  halls.push(await startHall({ configFile: config.file, env: { HALL_DB: dbFile } }))
  const seen: Array<{ packetsAtKill: number, line: string }> = []

  for (const [i, point] of KILL_POINTS.entries()) {
    const hall = halls[halls.length - 1]!
    const sim = sims[i]!
    const server = `s${i}`
    await until(`${server} OFFLINE`, async () => await stateOf(hall, domainOf(i)) === 'OFFLINE')

    // 1. the request starts the wake; Hall dies at this point of its sending window
    const arrived = new Promise<void>(resolve => firstPacket.set(i, resolve))
    const asked = askFor(hall, domainOf(i))
    if (point.after === 'first packet') await arrived
    await delay(point.ms)
    hall.kill9()
    await hall.exited
    await asked
    await hall.stop() // dead already: this only lets go of it
    await readWhatArrived()
    const packetsAtKill = sim.wakeCount
    const rowAtKill = wakeRows(dbFile, server)[0] ?? null

    const left = rowAtKill === null ? 'no row' : rowAtKill.sent_at !== null ? 'a sent row' : rowAtKill.send_started_at !== null ? 'a sending row' : 'a written row'
    const where = `kill ${i}, ${point.after} +${point.ms} ms, left ${packetsAtKill} packet(s) out and ${left}`

    // 2. the next Hall, on the same database; the browser asks again, as the waiting page's reload would
    const next = await startHall({ configFile: config.file, env: { HALL_DB: dbFile } })
    halls.push(next)
    // 302 while it wakes; 200 when the packet before the kill already booted it and a probe saw it
    assert.ok([200, 302].includes(await askFor(next, domainOf(i)) ?? 0))
    await until(`${where}: RUNNING with its wake recorded as sent`, async () =>
      await stateOf(next, domainOf(i)) === 'RUNNING' && wakeRows(dbFile, server).some(w => w.sent_at !== null && w.outcome === 'running'))
    await readWhatArrived() // sent_at is written after the last packet of the burst has left

    const rows = wakeRows(dbFile, server)
    const cut = rowAtKill === null || rowAtKill.sent_at === null
    const after = sim.wakeCount - packetsAtKill
    seen.push({ packetsAtKill, line: `${where}, ${after} after the restart` })
    assert.equal(rows.length, 1, `${where}: one wake row for one request`)
    assert.equal(rows[0]!.packets_sent, 3, `${where}: the row says a complete burst left`)
    assert.equal(after, cut ? 3 : 0, `${where}: ${cut ? 'one complete burst after the restart' : 'nothing sent again after a recorded burst'}`)
    if (!cut) assert.equal(rows[0]!.send_started_at, rowAtKill.send_started_at, `${where}: the send was not started again`)
    assert.equal(sim.state, 'up')
  }
  t.diagnostic(seen.map(s => s.line).join('\n'))
  // the sweep did cross the window: bursts cut after 1 and after 2 packets, and complete ones
  const counts = seen.map(s => s.packetsAtKill)
  for (const n of [1, 2, 3]) assert.ok(counts.includes(n), `some kill landed with ${n} packet(s) out: ${counts.join(',')}`)
})
