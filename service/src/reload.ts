import { loadConfig } from './config/load.js'
import type { ConfigProblem } from './config/issues.js'
import type { HallConfig } from './config/types.js'
import { isHallError } from './errors.js'
import type { Fleet } from './lifecycle/fleet.js'
import type { ReloadSummary } from './lifecycle/reload-plan.js'
import type { LifecycleLog } from './lifecycle/ports.js'
import type { Events } from './store/index.js'

export type ReloadResult =
  | { readonly ok: true, readonly summary: ReloadSummary }
  | { readonly ok: false, readonly message: string }

export interface ReloaderDeps {
  readonly file: string
  readonly fleet: Fleet
  readonly events: Events
  readonly log: LifecycleLog
  readonly now: () => number
  /** Throws when the config is valid on its own but not usable here (e.g. Traefik's routers cannot be rendered). */
  readonly validate?: (config: HallConfig) => void
  /** What the fleet runs on, made from the file's config (the client projects' domains added). */
  readonly compose?: (config: HallConfig) => HallConfig
  /** After a good config is in force (the Traefik file provider's YAML is rewritten from it). */
  readonly onApplied?: (config: HallConfig) => void
}

/**
 * Re-reads domains.json and applies it, or rejects it with its field errors while the last good
 * config stays in force. Both outcomes go to the log and to the event log.
 */
export function createReloader (deps: ReloaderDeps): { reload (why: string): ReloadResult } {
  const { file, fleet, events, log } = deps
  function record (level: 'info' | 'error', kind: string, message: string, details: unknown): void {
    try {
      events.record({ at: deps.now(), level, server: null, kind, message, details })
    } catch (err) {
      log.error({ err }, 'could not record a config reload')
    }
  }
  function reject (why: string, err: unknown): ReloadResult {
    const message = err instanceof Error ? err.message : String(err)
    // field problems of an invalid file are listed one by one; anything else gets its error
    const problems = isHallError(err, 'HALL_ERR_CONFIG_INVALID') ? err.details : undefined
    log.error({ file, why, problems, err: problems === undefined ? err : undefined }, `config rejected, the last good one stays in force: ${message}`)
    record('error', 'config-rejected', message, { file, why, problems })
    return { ok: false, message }
  }

  return {
    reload (why) {
      let config: HallConfig
      let summary: ReloadSummary
      let warnings: readonly ConfigProblem[]
      try {
        ({ config, warnings } = loadConfig(file))
        // what Traefik is given must be renderable before Hall acts on the config
        deps.validate?.(config)
        summary = fleet.reload(deps.compose?.(config) ?? config)
      } catch (err) {
        return reject(why, err)
      }
      log.info({ file, why, ...summary, domains: config.domains.size }, 'config reloaded')
      logConfigWarnings(log, warnings)
      record('info', 'config-reloaded', `${file} reloaded (${why})`, summary)
      try {
        deps.onApplied?.(config)
      } catch (err) {
        log.error({ err }, 'could not apply the reloaded config everywhere')
      }
      return { ok: true, summary }
    }
  }
}

/** What loads but is probably not what its author meant (config/warnings.ts), at every load. */
export function logConfigWarnings (log: Pick<LifecycleLog, 'warn'>, warnings: readonly ConfigProblem[]): void {
  for (const w of warnings) log.warn({ path: w.path }, `domains.json: ${w.path}: ${w.message}`)
}
