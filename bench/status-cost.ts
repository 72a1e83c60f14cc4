import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { readEnv } from '../service/src/config/env.js'
import { parseConfig } from '../service/src/config/load.js'
import { startService } from '../service/src/main.js'
import { generateFleet, reserveClosedPort, startHealthServer, waitForPhases } from './fixture.js'
import { seedHistory } from './seed-history.js'

/**
 * `npx tsx bench/status-cost.ts`: what one GET /api/status costs Hall's event loop at 1000
 * domains on 100 servers with a history, in process (app.inject: no sockets, the whole Fastify
 * path and serializer). Everything forward-auth waits behind is in these numbers. "After a
 * change" first swaps in an equal config, so nothing computed for the previous answer is reused.
 */

const CALLS = 200
const PUBLIC_CLIENT = '203.0.113.1' // the internet: listed domains only
const GATEWAY = '127.0.0.1' // the gateway itself: every domain, and the servers

interface Timing { readonly mean: number, readonly p50: number, readonly max: number, readonly bytes: number }

async function time (calls: number, call: () => Promise<{ statusCode: number, bytes: number }>, before?: () => void): Promise<Timing> {
  const ms: number[] = []
  let bytes = 0
  for (let i = 0; i < calls; i++) {
    before?.()
    const started = performance.now()
    const res = await call()
    ms.push(performance.now() - started)
    if (res.statusCode !== 200) throw new Error(`answered ${res.statusCode}`)
    bytes = res.bytes
  }
  ms.sort((a, b) => a - b)
  return { mean: ms.reduce((a, b) => a + b, 0) / ms.length, p50: ms[Math.floor(ms.length / 2)]!, max: ms[ms.length - 1]!, bytes }
}

const health = await startHealthServer()
const fleet = generateFleet({ servers: 100, domainsPerServer: 10, healthyPort: health.port, deadPort: await reserveClosedPort() })
const config = parseConfig(fleet.configText)
const dir = mkdtempSync(join(tmpdir(), 'hall-status-cost-'))
const dbFile = join(dir, 'hall.db')
seedHistory(dbFile, [...config.servers.keys()], Date.now())
const hall = await startService(readEnv({ HALL_DB: dbFile, HALL_HOST: '127.0.0.1', HALL_PORT: '0', HALL_LOG_LEVEL: 'silent' }), { config })
try {
  await waitForPhases(hall.url, fleet.expectedPhases, 30_000)
  // the body as a stream, counted, not copied into a string: what Hall does, not what inject does after
  const inject = (url: string, from: string) => async () => {
    const res = await hall.app.inject({ method: 'GET', url, remoteAddress: from, payloadAsStream: true })
    let bytes = 0
    for await (const chunk of res.stream()) bytes += (chunk as Buffer).length
    return { statusCode: res.statusCode, bytes }
  }
  const rows: Array<[string, Timing]> = [
    ['GET /api/status, internet', await time(CALLS, inject('/api/status', PUBLIC_CLIENT))],
    ['GET /api/status, gateway', await time(CALLS, inject('/api/status', GATEWAY))],
    ['GET /api/status after a change', await time(CALLS / 4, inject('/api/status', PUBLIC_CLIENT), () => hall.fleet.reload(parseConfig(fleet.configText)))],
    ['GET /api/status/:domain', await time(CALLS * 5, inject(`/api/status/${fleet.asleepDomains[0]!}`, PUBLIC_CLIENT))]
  ]
  console.log(`Node ${process.version}, ${config.domains.size} domains on ${config.servers.size} servers, ms per call:`)
  for (const [name, t] of rows) {
    console.log(`  ${name.padEnd(32)} mean ${t.mean.toFixed(2).padStart(7)}  p50 ${t.p50.toFixed(2).padStart(7)}  max ${t.max.toFixed(2).padStart(7)}  ${(t.bytes / 1024).toFixed(0).padStart(4)} KiB`)
  }
} finally {
  await hall.close()
  await health.close()
  rmSync(dir, { recursive: true, force: true })
}
