import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { systemClock, type Clock } from './clock.js'
import type { HallEnv } from './config/env.js'
import { loadConfigFile } from './config/load.js'
import type { HallConfig } from './config/types.js'
import { HallError } from './errors.js'
import { buildApp } from './http/app.js'
import { createFleet, type Fleet } from './lifecycle/fleet.js'
import type { Waker } from './lifecycle/ports.js'
import { createLogger } from './logger.js'
import { createWaker } from './power/wake.js'
import { createProber } from './probe/server.js'
import { openHallStore, pruneOlderThan, type HallStore } from './store/index.js'

/** History older than this is pruned; checked hourly, beside everything else. */
const KEEP_HISTORY_MS = 90 * 24 * 3600_000
const PRUNE_EVERY_MS = 3600_000

export interface Service {
  readonly app: FastifyInstance
  readonly fleet: Fleet
  readonly store: HallStore
  readonly log: Logger
  /** Base URL Hall listens on. */
  readonly url: string
  close (): Promise<void>
}

export interface ServiceOptions {
  readonly config?: HallConfig
  readonly clock?: Clock
  /** The benchmark replaces the power layer so no packet leaves the machine. */
  readonly waker?: Waker
  readonly log?: Logger
}

export const version: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version

/** Builds the object graph once (config, store, probes, power, fleet, app), then listens. */
export async function startService (env: HallEnv, options: ServiceOptions = {}): Promise<Service> {
  const log = options.log ?? createLogger(env.logLevel)
  const clock = options.clock ?? systemClock
  const config = options.config ?? loadConfigFile(env.configFile)
  const store = openHallStore(env.dbFile)
  const prober = createProber()
  const fleet = createFleet({ config, clock, prober, waker: options.waker ?? createWaker(), store, log })
  const app = buildApp({ fleet, history: store.wakes, clock, log, publicUrl: env.publicUrl, version })

  const prune = (): void => {
    try {
      pruneOlderThan(store.db, clock.now() - KEEP_HISTORY_MS)
    } catch (err) {
      log.error({ err }, 'could not prune old history') // a busy or full disk must not stop the gateway
    }
  }
  prune()
  const pruneTimer = setInterval(prune, PRUNE_EVERY_MS).unref()

  fleet.start()
  try {
    await app.listen({ host: env.host, port: env.port })
  } catch (err) {
    clearInterval(pruneTimer)
    fleet.stop()
    await prober.close()
    store.close()
    const reason = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'the port is already in use' : (err as Error).message
    throw new HallError('HALL_ERR_HTTP_LISTEN', `cannot listen on ${env.host}:${env.port}: ${reason}`, undefined, err)
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : env.port
  log.info({ servers: config.servers.size, domains: config.domains.size, port, db: env.dbFile }, 'hall started')

  return {
    app,
    fleet,
    store,
    log,
    url: `http://${env.host.includes(':') ? `[${env.host}]` : env.host}:${port}`,
    async close () {
      clearInterval(pruneTimer)
      await app.close()
      fleet.stop()
      await prober.close()
      store.close()
    }
  }
}
