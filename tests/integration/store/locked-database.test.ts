import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import Database from 'better-sqlite3'
import { Pool } from 'undici'
import { freePort } from '../../helpers/free-port.js'
import { startHall } from '../../helpers/hall-process.js'
import { serveOnLoopback } from '../../helpers/loopback-server.js'
import { holdWriteLock } from '../../helpers/temp-database.js'
import { listenForMagicPackets } from '../../helpers/udp-listener.js'

/** Below this, a p99 difference is the machine's doing, not the lock's. */
const FLOOR_MS = 10
const APP = 'app.hall.test'
const SLEEPY = 'sleepy.hall.test'
const WARM_UP = 500
// open loop, as Traefik's clients are: requests are due every 2 ms whatever the answers before
// them did, and a latency counts from when the request was due, so a stalled event loop shows in full
const RATE_PER_S = 500
// 6 s under the lock: the wake, its 5 s timeout and six activity flushes all happen meanwhile
const MEASURED = 3000

/**
 * `count` forward-auth calls for `host` to each Hall at RATE_PER_S, side by side: both see the
 * same moments of a busy machine, so their latencies compare. Returns each Hall's, in ms.
 */
async function forwardAuthLoad (pools: Pool[], host: string, count: number): Promise<number[][]> {
  const start = performance.now()
  const calls: Array<Array<Promise<number>>> = pools.map(() => [])
  const call = async (pool: Pool, due: number): Promise<number> => {
    const res = await pool.request({ method: 'GET', path: '/forward-auth', headers: { 'x-forwarded-host': host, 'x-forwarded-uri': '/', 'x-forwarded-proto': 'https', 'x-forwarded-method': 'GET' } })
    await res.body.dump()
    assert.equal(res.statusCode, 200)
    return performance.now() - due
  }
  for (let i = 0; i < count; i++) {
    const due = start + i * 1000 / RATE_PER_S
    const early = due - performance.now()
    if (early > 1) await new Promise(resolve => setTimeout(resolve, early))
    // which Hall goes first alternates: neither is always second in line
    for (let j = 0; j < pools.length; j++) {
      const k = (i + j) % pools.length
      calls[k]!.push(call(pools[k]!, due))
    }
  }
  return await Promise.all(calls.map(async c => await Promise.all(c)))
}

function p99 (latencies: number[]): number {
  const sorted = [...latencies].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!
}

async function stateOf (url: string, domain: string): Promise<string> {
  const res = await fetch(`${url}/api/status/${domain}`)
  return ((await res.json()) as { state: string }).state
}

async function until (what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

function readDb<T> (file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return read(db)
  } finally {
    db.close()
  }
}

interface Hall { readonly url: string, readonly dbFile: string, readonly pool: Pool, readonly sleepyMac: string, stop (): Promise<void> }

/** One `hall serve` over its own database; `sleepyMac` tells its magic packets from the other's. */
async function startOne (t: TestContext, dir: string, name: string, sleepyMac: string, packetsPort: number, app: string): Promise<Hall> {
  const dbFile = join(dir, `${name}.db`)
  const configFile = join(dir, `${name}.json`)
  writeFileSync(configFile, JSON.stringify({
    servers: {
      app: { ip: '127.0.0.1', mac: '02:00:00:00:00:01', policy: 'always_on', wake: { method: 'udp', broadcast: '127.0.0.1', port: packetsPort }, health: [{ type: 'http', url: `${app}/health`, expect_status: 200 }] },
      // asleep for good (its health port is closed): a wake started under the lock times out, 5 s later
      sleepy: { ip: '127.0.0.1', mac: sleepyMac, wake: { method: 'udp', broadcast: '127.0.0.1', port: packetsPort }, health: [{ type: 'tcp', port: await freePort() }], probe_interval_seconds: 1, probe_timeout_seconds: 0.5, wake_timeout_seconds: 5 }
    },
    domains: { [APP]: { server: 'app', upstream: app }, [SLEEPY]: { server: 'sleepy', upstream: 'http://127.0.0.1:9' } }
  }))
  const hall = await startHall({ configFile, env: { HALL_DB: dbFile, HALL_LOG_LEVEL: 'warn' } })
  t.after(() => hall.stop())
  const pool = new Pool(hall.url, { connections: 16 })
  t.after(() => pool.close())
  await until(`${name}: app RUNNING, sleepy OFFLINE`, async () => await stateOf(hall.url, APP) === 'RUNNING' && await stateOf(hall.url, SLEEPY) === 'OFFLINE')
  return { url: hall.url, dbFile, pool, sleepyMac, stop: hall.stop }
}

async function askForSleepy (hall: Hall): Promise<void> {
  const res = await hall.pool.request({ method: 'GET', path: '/forward-auth', headers: { 'x-forwarded-host': SLEEPY, 'x-forwarded-uri': '/', 'x-forwarded-proto': 'https', 'x-forwarded-method': 'GET', accept: 'text/html' } })
  await res.body.dump()
  assert.equal(res.statusCode, 302)
}

// Two identical Halls run side by side and take the same load; another process holds the write
// lock of one's database. The other is the unlocked value: measured at the same moments, so a
// machine busy with something else slows both alike, and the ratio is the lock's doing.
test('another process holding the write lock: forward-auth stays fast, a wake still goes out, and every record lands once the lock is gone', async (t) => {
  const packets = await listenForMagicPackets()
  t.after(() => packets.close())
  const app = await serveOnLoopback(t, (_req, res) => { res.end('ok') })
  const dir = mkdtempSync(join(tmpdir(), 'hall-locked-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const hall = await startOne(t, dir, 'locked', '02:00:00:00:00:02', packets.port, app)
  const twin = await startOne(t, dir, 'twin', '02:00:00:00:00:03', packets.port, app)
  const dbFile = hall.dbFile
  const pools = [hall.pool, twin.pool]

  await forwardAuthLoad(pools, APP, WARM_UP)
  const [before] = await forwardAuthLoad(pools, APP, WARM_UP)
  const lock = await holdWriteLock(t, dbFile)
  // each Hall wakes its sleeping server: the twin's records are written as they happen
  await askForSleepy(hall)
  await askForSleepy(twin)
  const [lockedMs, twinMs] = await forwardAuthLoad(pools, APP, MEASURED) as [number[], number[]]
  // A busy machine can put either process aside for tens of milliseconds, which alone may move a
  // p99 twofold; a stalled event loop shows in every window. So: each 2 s window's ratio, and the
  // median of the three must stay within 2x (a write waiting on SQLite made it about 300x).
  const windows = [0, 1, 2].map(w => {
    const part = (all: number[]): number[] => all.slice(w * MEASURED / 3, (w + 1) * MEASURED / 3)
    return { locked: p99(part(lockedMs)), unlocked: p99(part(twinMs)) }
  })
  // a p99 under 10 ms is noise on a shared machine: compare from there (the fault cost ~1.5 s)
  const ratios = windows.map(w => w.locked / Math.max(w.unlocked, FLOOR_MS)).sort((a, b) => a - b)
  t.diagnostic(`forward-auth p99 at ${RATE_PER_S} requests/s: ${p99(lockedMs).toFixed(2)} ms while another process holds the write lock, ` +
    `${p99(twinMs).toFixed(2)} ms on its unlocked twin meanwhile (${p99(before!).toFixed(2)} ms on the same Hall before the lock); ` +
    `by 2 s window: ${windows.map(w => `${w.locked.toFixed(2)}/${w.unlocked.toFixed(2)}`).join(', ')} ms`)
  assert.ok(packets.packets.some(p => p.mac === hall.sleepyMac), 'the wake under the lock sent its packet')
  await until('the wake under the lock timed out', async () => await stateOf(hall.url, SLEEPY) === 'OFFLINE')
  const heldWrites = readDb(dbFile, db => db.prepare("SELECT count(*) AS n FROM wakes WHERE server = 'sleepy'").get() as { n: number })
  assert.equal(heldWrites.n, 0, 'the lock really kept Hall\'s writes out')
  await lock.release()

  assert.ok(ratios[1]! <= 2, `forward-auth p99 under the lock / unlocked, by window: ${ratios.map(r => r.toFixed(2)).join(', ')}: the median passes 2`)

  // Hall still running: the writes that waited reach the database on their own, in order
  type WakeRow = { id: number, trigger: string, method: string, requested_at: number, send_started_at: number | null, sent_at: number | null, packets_sent: number | null, finished_at: number | null, outcome: string }
  const wakes = (): WakeRow[] => readDb(dbFile, db => db.prepare("SELECT * FROM wakes WHERE server = 'sleepy'").all() as WakeRow[])
  await until('the wake written', () => wakes()[0]?.outcome === 'timeout', 10_000)
  const [wake] = wakes()
  assert.ok(wake !== undefined)
  assert.deepEqual([wakes().length, wake.trigger, wake.method], [1, 'request', 'udp'])
  assert.ok(wake.send_started_at !== null && wake.sent_at !== null && wake.finished_at !== null && (wake.packets_sent ?? 0) > 0)
  assert.ok(wake.requested_at <= wake.send_started_at && wake.send_started_at <= wake.sent_at && wake.sent_at <= wake.finished_at)

  const transitions = readDb(dbFile, db => db.prepare("SELECT from_phase AS 'from', to_phase AS 'to', at FROM transitions WHERE server = 'sleepy' ORDER BY id").all() as Array<{ from: string, to: string, at: number }>)
  assert.deepEqual(transitions.slice(-2).map(r => [r.from, r.to]), [['OFFLINE', 'WAKING'], ['WAKING', 'OFFLINE']])
  assert.deepEqual(transitions.map(r => r.at), transitions.map(r => r.at).sort((a, b) => a - b), 'written in the order they happened')
  assert.equal(transitions.at(-2)!.at, wake.requested_at)
  assert.equal(transitions.at(-1)!.at, wake.finished_at)

  const events = readDb(dbFile, db => db.prepare("SELECT kind, details FROM events WHERE server = 'sleepy'").all() as Array<{ kind: string, details: string }>)
  assert.deepEqual(events.map(e => [e.kind, JSON.parse(e.details).wakeId]), [['wake-failed', wake.id]])
  const state = readDb(dbFile, db => db.prepare("SELECT phase, wake_id AS wakeId, updated_at AS updatedAt FROM server_state WHERE server = 'sleepy'").get() as { phase: string, wakeId: number | null, updatedAt: number })
  assert.deepEqual([state.phase, state.wakeId], ['OFFLINE', null])
  assert.ok(state.updatedAt >= wake.finished_at)

  // every hit counted in memory reaches the activity table: the last second's on the way out
  await hall.stop()
  const hits = readDb(dbFile, db => db.prepare('SELECT sum(hits) AS n FROM activity WHERE domain = ?').get(APP) as { n: number })
  assert.equal(hits.n, 2 * WARM_UP + MEASURED)
})
