import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { systemClock, type Clock } from './clock.js'
import { watchForAlerts, type AlertWatcher } from './alerts/alert-watcher.js'
import type { RetryPolicy } from './alerts/alert-sender.js'
import { readNamedSecret, type HallEnv } from './config/env.js'
import { loadConfig } from './config/load.js'
import type { HallConfig } from './config/types.js'
import { HallError } from './errors.js'
import { buildApp } from './http/app.js'
import { readEnergySaved } from './http/metrics/energy-saved.js'
import { createHallMetrics } from './http/metrics/hall-metrics.js'
import { rememberPowerHistory } from './http/recent-power-history.js'
import { createFleet, type Fleet } from './lifecycle/fleet.js'
import { createLogger } from './logger.js'
import { createShutdowner } from './power/shutdown.js'
import { createWaker } from './power/wake.js'
import type { Shutdowner, Waker } from './ports/power.js'
import { createReloader, logConfigWarnings, type ReloadResult } from './reload.js'
import { assertRenderable, renderTraefik } from './traefik/render.js'
import { writeDynamicDir } from './traefik/write-dir.js'
import { toTraefikYaml } from './traefik/yaml.js'
import { watchConfigFile, type ConfigWatcher } from './config/watch.js'
import { createProber } from './probe/server.js'
import { openHallStore, powerHistory, type HallStore } from './store/index.js'
import { lockDatabase } from './store/instance-lock.js'
import { createProjectDirectory } from './projects/directory.js'
import { createPodman } from './projects/podman.js'
import { configProblemsWithProjects } from './projects/rules.js'
import { createProjectService, type PodRunner, type ProjectService } from './projects/service.js'
import { withProjects } from './projects/with-projects.js'

/** History older than this is pruned; checked hourly, beside everything else. */
const KEEP_HISTORY_MS = 90 * 24 * 3600_000
const PRUNE_EVERY_MS = 3600_000

export interface Service {
  readonly app: FastifyInstance
  readonly fleet: Fleet
  readonly store: HallStore
  readonly log: Logger
  /** Alerts to the targets of domains.json, sent in the background. */
  readonly alerts: AlertWatcher
  /** Client projects: create, edit, remove, and wait for their pods (tests). */
  readonly projects: ProjectService
  /** Base URL Hall listens on. */
  readonly url: string
  /** Re-reads the config file now (what SIGHUP and a change to the file do). */
  reload (why: string): ReloadResult
  close (): Promise<void>
}

export interface ServiceOptions {
  readonly config?: HallConfig
  readonly clock?: Clock
  /** The benchmark replaces the power layer so no packet leaves the machine. */
  readonly waker?: Waker
  readonly shutdowner?: Shutdowner
  /** How alerts are retried (tests shorten it). */
  readonly alertRetry?: RetryPolicy
  readonly log?: Logger
  /** Watch the config file and reload on change and on SIGHUP (default: when the config comes from the file). */
  readonly watch?: boolean
  /** How client projects' pods are played (default: podman over the server's SSH relay). */
  readonly pods?: PodRunner
}

/** How often memberships changed in a shell (`hall user add --project`) are looked for. */
const OUTSIDE_CHANGE_CHECK_MS = 2_000

export const version: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version

/** Builds the object graph once (config, store, probes, power, fleet, app), then listens. */
export async function startService (env: HallEnv, options: ServiceOptions = {}): Promise<Service> {
  const log = options.log ?? createLogger(env.logLevel, undefined, { pretty: env.logPretty })
  const clock = options.clock ?? systemClock
  const loaded = options.config === undefined ? loadConfig(env.configFile) : { config: options.config, warnings: [] }
  // domains.json as loaded: the fleet runs on it with the client projects' domains added
  let fileConfig = loaded.config
  // refused now rather than served as a 500 to Traefik later (a domain that is Hall's own host...)
  assertRenderable(fileConfig, env.publicUrl)
  // one Hall per database, taken before the store opens: a second one stops here, naming the first
  const instance = await lockDatabase(env.dbFile)
  let store: HallStore
  try {
    store = openHallStore(env.dbFile, { clock, log })
  } catch (err) {
    await instance.release()
    throw err
  }
  const directory = createProjectDirectory({ projects: store.projects, certificates: store.projectCertificates })
  const config = withProjects(fileConfig, directory.list())
  const prober = createProber()
  const metrics = createHallMetrics()
  // the status views read the power history from memory, kept current by the fleet's own writes
  const recent = rememberPowerHistory(powerHistory(store), store, config.servers.keys())
  const fleet = createFleet({ config, clock, prober: metrics.observeProber(prober), waker: options.waker ?? createWaker(), shutdowner: options.shutdowner ?? createShutdowner(), store: metrics.observeStore(recent.store), log })
  metrics.watchFleet(fleet)
  metrics.watchEnergy(readEnergySaved({ store, config: () => fleet.config(), energy: env.energy, clock, log }))
  // the file provider's YAML follows every good config, so Traefik and Hall never disagree on domains
  const writeTraefik = (current: HallConfig): void => {
    if (env.traefikDir === null) return
    const text = toTraefikYaml(renderTraefik(current, env.publicUrl, env.adminAllow, directory.list()), { configFile: env.configFile, publicUrl: env.publicUrl })
    const result = writeDynamicDir(env.traefikDir, text)
    log.info({ file: result.file, changed: result.changed }, 'traefik dynamic config written')
  }
  const renderable = (candidate: HallConfig): void => {
    // a new domains.json may not pull a server, its capacity or a host from under the projects
    const problems = configProblemsWithProjects(candidate, directory.list())
    if (problems.length > 0) throw new HallError('HALL_ERR_CONFIG_INVALID', `the config conflicts with client projects: ${problems.map(p => `${p.path}: ${p.message}`).join('; ')}`, problems)
    assertRenderable(candidate, env.publicUrl)
  }
  let configLoadedAt = clock.now()
  const applied = (current: HallConfig): void => { fileConfig = current; configLoadedAt = clock.now(); writeTraefik(current) }
  const compose = (file: HallConfig): HallConfig => withProjects(file, directory.list())
  const reloader = createReloader({ file: env.configFile, fleet, events: metrics.observeEvents(store.events), log, now: () => clock.now(), validate: renderable, compose, onApplied: applied })
  // a project added, changed or removed joins the fleet's domains and Traefik's routers at once
  directory.subscribe(() => {
    try {
      fleet.reload(compose(fileConfig))
      writeTraefik(fileConfig)
    } catch (err) {
      log.error({ err }, 'could not apply a change of the client projects')
    }
  })
  const projects = createProjectService({
    directory,
    operations: store.projectOperations,
    store,
    fleet,
    fileConfig: () => fileConfig,
    pods: options.pods ?? createPodman(),
    clock,
    publicHost: new URL(env.publicUrl).hostname,
    cookieDomain: env.cookieDomain,
    log
  })
  projects.recoverInterrupted()
  const membershipTimer = setInterval(() => directory.refreshIfChangedElsewhere(store.writes.size()), OUTSIDE_CHANGE_CHECK_MS).unref()
  // alerts watch the fleet and the power records in memory; a rejected config is an alert too
  const alerts = watchForAlerts({ fleet, records: recent.history, clock, log, secrets: (variable) => readNamedSecret(variable), retry: options.alertRetry })
  const reload = (why: string): ReloadResult => {
    const result = reloader.reload(why)
    alerts.noteReload(result.ok)
    return result
  }
  const onSighup = (): void => { reload('SIGHUP') }
  let watcher: ConfigWatcher | null = null
  if (options.watch ?? options.config === undefined) {
    process.on('SIGHUP', onSighup)
    watcher = watchConfigFile(env.configFile, () => reload('file changed'))
  }
  const stopWatching = (): void => {
    process.off('SIGHUP', onSighup)
    watcher?.close()
  }
  const vitals = { queuedWrites: () => store.writes.size(), configLoadedAt: () => configLoadedAt }
  const admin = { store, adminAllow: env.adminAllow, sessionSecret: env.sessionSecret, energy: env.energy }
  const app = buildApp({ fleet, history: recent.history, clock, log, publicUrl: env.publicUrl, trustedProxies: env.trustedProxies, version, apiKeys: store.apiKeys, metrics: { hall: metrics, adminAllow: env.adminAllow, token: env.metricsToken }, admin, vitals, energy: { store, energy: env.energy, adminAllow: env.adminAllow }, projects: { directory, service: projects, cookieDomain: env.cookieDomain } })

  const prune = (): void => {
    // in small batches beside the requests; a locked database postpones it to the next round
    store.prune(clock.now() - KEEP_HISTORY_MS).catch((err: unknown) => {
      log.error({ err }, 'could not prune old history') // a full disk must not stop the gateway
    })
  }
  prune()
  const pruneTimer = setInterval(prune, PRUNE_EVERY_MS).unref()

  try {
    writeTraefik(fileConfig)
  } catch (err) {
    log.error({ err, dir: env.traefikDir }, 'could not write the Traefik dynamic config')
  }
  fleet.start()
  try {
    await app.listen({ host: env.host, port: env.port })
  } catch (err) {
    clearInterval(pruneTimer)
    clearInterval(membershipTimer)
    stopWatching()
    alerts.close()
    fleet.stop()
    await prober.close()
    store.close()
    await instance.release()
    const reason = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'the port is already in use' : (err as Error).message
    throw new HallError('HALL_ERR_HTTP_LISTEN', `cannot listen on ${env.host}:${env.port}: ${reason}`, undefined, err)
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : env.port
  const url = `http://${env.host.includes(':') ? `[${env.host}]` : env.host}:${port}`
  instance.announce(url)
  log.info({ servers: config.servers.size, domains: config.domains.size, port, db: env.dbFile }, 'hall started')
  logConfigWarnings(log, loaded.warnings)

  return {
    app,
    fleet,
    store,
    log,
    url,
    alerts,
    projects,
    reload,
    async close () {
      clearInterval(pruneTimer)
      clearInterval(membershipTimer)
      stopWatching()
      alerts.close()
      await app.close()
      fleet.stop()
      await prober.close()
      store.close()
      await instance.release()
    }
  }
}
