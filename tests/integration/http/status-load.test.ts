import assert from 'node:assert/strict'
import { on, once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Worker } from 'node:worker_threads'
import { generateFleet, reserveClosedPort, startHealthServer, waitForPhases } from '../../../bench/fixture.js'
import { seedHistory } from '../../../bench/seed-history.js'
import { readEnv } from '../../../service/src/config/env.js'
import { parseConfig } from '../../../service/src/config/load.js'
import { startService } from '../../../service/src/main.js'

// "Nothing reachable by a client makes the forward-auth path wait" (DESIGN.md), at the scale of a
// large install: 1000 domains on 100 servers, each with wakes and a shutdown in its history.
// Forward-auth's p99 is measured while four clients call GET /api/status in a loop, and while the
// same clients make the same calls at the same times to a stand-in, Hall quiet: the test machine
// is small and shared, and busy clients slow everything on it whoever answers them. The ratio of
// the two, measured in the same run, is what is asserted. The proxy and the clients run in worker
// threads (status-load-proxy.mjs, status-load-clients.mjs): Hall has its event loop to itself.

const SERVERS = 100
const DOMAINS_PER_SERVER = 10
const STATUS_CLIENTS = 4
/** Between one answer and the next call: up to 200 calls a second per client, far past any monitor. */
const PAUSE_MS = 5
/** Each phase: one forward-auth call per INTERVAL_MS for PHASE_MS, a p99 over 2000 calls or so. */
const PHASE_MS = 2000
/**
 * Loaded then quiet, this many times. The test machine is shared: a neighbour's burst can spoil
 * one phase, so the best p99 of each kind is compared. Hall's own delays show in every round.
 */
const ROUNDS = 3
const INTERVAL_MS = 1
/**
 * Below this, a p99 is scheduler noise: on the 2-core VM the tests share, the quiet p99 alone
 * ranged from 1.4 to 20 ms between runs, while a Hall that runs SQLite per domain for the list
 * is at seconds. A 1 ms quiet p99 does not make 3 ms loaded a failure.
 */
// below this, a p99 difference is the shared machine's doing; the fault guarded against cost 5.6 s
const FLOOR_MS = 25

test('forward-auth p99 stays within 2x its quiet p99 while four clients loop on GET /api/status (1000 domains)', async (t) => {
  const health = await startHealthServer()
  t.after(() => health.close())
  const fleet = generateFleet({ servers: SERVERS, domainsPerServer: DOMAINS_PER_SERVER, healthyPort: health.port, deadPort: await reserveClosedPort() })
  const config = parseConfig(fleet.configText)
  const dir = mkdtempSync(join(tmpdir(), 'hall-status-load-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const dbFile = join(dir, 'hall.db')
  seedHistory(dbFile, [...config.servers.keys()], Date.now())

  const hall = await startService(readEnv({ HALL_DB: dbFile, HALL_HOST: '127.0.0.1', HALL_PORT: '0', HALL_PUBLIC_URL: 'https://hall.load.test', HALL_LOG_LEVEL: 'silent' }), { config })
  t.after(() => hall.close())
  await waitForPhases(hall.url, fleet.expectedPhases, 30_000)

  const rounds: Array<{ quiet: number[], loaded: number[], statusCalls: StatusCall[][] }> = []
  for (let round = 0; round < ROUNDS; round++) {
    // new addresses each round: each starts with a full budget, so each round serves full answers
    const clients = await startStatusClients({ url: hall.url, round })
    const loaded = await forwardAuthLatencies(hall.url, fleet.awakeDomains)
    const statusCalls = await clients.stop()
    const standIn = await startStatusClients({ replay: statusCalls, round })
    const quiet = await forwardAuthLatencies(hall.url, fleet.awakeDomains)
    await standIn.stop()
    rounds.push({ quiet, loaded, statusCalls })
  }

  for (const [i, r] of rounds.entries()) {
    const answered = (calls: StatusCall[], status: number): number => calls.filter(([, s]) => s === status).length
    t.diagnostic(`round ${i + 1}: forward-auth p50/p99/max quiet ${summary(r.quiet)}, loaded ${summary(r.loaded)}; GET /api/status per client ${r.statusCalls.map(c => `${answered(c, 200)} answered, ${answered(c, 429)} refused`).join('; ')}`)
    assert.ok(r.statusCalls.every(c => answered(c, 200) > 0 && answered(c, 200) + answered(c, 429) === c.length), 'every status client got full answers while loaded, and nothing but 200 or 429')
  }
  // the best round of each kind: a slower Hall is slower in every round, a busy neighbour is not
  const q = Math.min(...rounds.map(r => percentile(r.quiet, 99)))
  const l = Math.min(...rounds.map(r => percentile(r.loaded, 99)))
  const allowed = 2 * Math.max(q, FLOOR_MS)
  assert.ok(l <= allowed, `forward-auth p99 under status load is ${l.toFixed(2)} ms at best, more than ${allowed.toFixed(2)} ms (2x the best quiet ${q.toFixed(2)} ms, floor ${FLOOR_MS} ms)`)
})

/** One forward-auth call per INTERVAL_MS for PHASE_MS from the proxy's thread; every one must pass (200). */
async function forwardAuthLatencies (url: string, hosts: readonly string[]): Promise<number[]> {
  const worker = new Worker(new URL('./status-load-proxy.mjs', import.meta.url), { workerData: { url, hosts, durationMs: PHASE_MS, intervalMs: INTERVAL_MS } })
  const [{ latencies, failures }] = await once(worker, 'message') as [{ latencies: number[], failures: string[] }]
  await worker.terminate()
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} forward-auth calls failed`)
  return latencies
}

/** One status call as a client saw it: ms after the loop started, status, body bytes. */
type StatusCall = [number, number, number]

/**
 * STATUS_CLIENTS loops in a worker thread until stopped: on Hall's GET /api/status (`url`), each
 * its own client address, new each round; or (`replay`) the same calls to a stand-in.
 */
async function startStatusClients (target: { url: string, round: number } | { replay: StatusCall[][], round: number }): Promise<{ stop: () => Promise<StatusCall[][]> }> {
  const addresses = Array.from({ length: STATUS_CLIENTS }, (_, i) => `203.0.113.${target.round * STATUS_CLIENTS + i + 1}`)
  const workerData = { url: 'url' in target ? target.url : null, replay: 'replay' in target ? target.replay : null, addresses, until: Date.now() + 3 * PHASE_MS, pauseMs: PAUSE_MS }
  const worker = new Worker(new URL('./status-load-clients.mjs', import.meta.url), { workerData })
  const messages = on(worker, 'message')
  await messages.next() // the loops are running
  return {
    async stop () {
      worker.postMessage('stop')
      const { value } = await messages.next() as { value: [{ calls: StatusCall[][] }] }
      await worker.terminate()
      return value[0].calls
    }
  }
}

function percentile (samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p / 100))] ?? Number.NaN
}

function summary (samples: readonly number[]): string {
  return `${[50, 99, 100].map(p => percentile(samples, p).toFixed(2)).join('/')} ms over ${samples.length} calls`
}
