import { loadConfigFile } from './config/load.js'
import type { HallConfig } from './config/types.js'
import { isHallError } from './errors.js'
import type { Fleet, ReloadSummary } from './lifecycle/fleet.js'
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
  return {
    reload (why) {
      let config: HallConfig
      try {
        config = loadConfigFile(file)
      } catch (err) {
        if (!isHallError(err)) throw err
        log.error({ file, why, problems: err.details }, `config rejected, the last good one stays in force: ${err.message}`)
        record('error', 'config-rejected', err.message, { file, why, problems: err.details })
        return { ok: false, message: err.message }
      }
      const summary = fleet.reload(config)
      log.info({ file, why, ...summary, domains: config.domains.size }, 'config reloaded')
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
