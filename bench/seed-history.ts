import { openHallStore } from '../service/src/store/index.js'

const HOUR = 3_600_000

/**
 * Writes the history a fleet that has been running a while holds, before Hall opens the file:
 * per server, a wake that booted in 75 s, a later idle shutdown, and a wake in the last hour that
 * timed out. Every field of the status JSON then has something to show.
 */
export function seedHistory (dbFile: string, servers: readonly string[], now: number): void {
  const store = openHallStore(dbFile)
  try {
    for (const server of servers) {
      const booted = store.wakes.begin({ server, trigger: 'request', method: 'udp', requestedAt: now - 3 * HOUR })
      store.wakes.markSent(booted, { at: now - 3 * HOUR + 10, packetsSent: 3, exitCode: null, stderr: null })
      store.wakes.markRunning(booted, now - 3 * HOUR + 75_000)
      store.wakes.finish(booted, { outcome: 'running', at: now - 3 * HOUR + 75_000 })
      const off = store.shutdowns.begin({ server, trigger: 'idle', requestedAt: now - 2 * HOUR })
      store.shutdowns.finish(off, { outcome: 'off', at: now - 2 * HOUR + 40_000 })
      const again = store.wakes.begin({ server, trigger: 'api', method: 'udp', requestedAt: now - HOUR })
      store.wakes.finish(again, { outcome: 'timeout', at: now - HOUR + 120_000, errorCode: 'HALL_ERR_WAKE_TIMEOUT', errorMessage: 'it took too long' })
    }
  } finally {
    store.close()
  }
}
