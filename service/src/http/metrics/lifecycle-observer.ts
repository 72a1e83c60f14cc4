import type { LifecycleStore } from '../../lifecycle/ports.js'
import type { ProbeOutcome, Prober } from '../../ports/probe.js'
import type { WakeTrigger } from '../../ports/power-records.js'

/** What the lifecycle's records tell the metrics, in the metrics' words. */
export interface LifecycleTally {
  wakeFinished (server: string, trigger: string, outcome: string): void
  /** Request to RUNNING of a wake Hall sent (an external boot has no request). */
  bootMeasured (server: string, seconds: number): void
  shutdownFinished (server: string, outcome: string): void
  configReload (result: 'applied' | 'rejected'): void
  probeFailed (server: string, check: string): void
}

interface OpenWake { readonly server: string, readonly trigger: WakeTrigger | string, readonly requestedAt: number }

/**
 * The lifecycle's store, passing every call through and telling `tally` what each write says:
 * wakes, boot times and shutdowns are counted from the records the supervisors already write,
 * so the lifecycle knows nothing of metrics. A wake or shutdown begun by a previous run of Hall
 * is found among the store's pending ones when it finishes.
 */
export function observeLifecycleStore (store: LifecycleStore, tally: LifecycleTally): LifecycleStore {
  const wakes = new Map<number, OpenWake>()
  const shutdowns = new Map<number, string>()
  const openWake = (id: number): OpenWake | undefined => wakes.get(id) ?? store.wakes.pending().find(w => w.id === id)
  const shutdownServer = (id: number): string | undefined => shutdowns.get(id) ?? store.shutdowns.pending().find(s => s.id === id)?.server

  return {
    ...store,
    wakes: {
      ...store.wakes,
      begin (w) {
        const id = store.wakes.begin(w)
        wakes.set(id, { server: w.server, trigger: w.trigger, requestedAt: w.requestedAt })
        return id
      },
      markRunning (id, at) {
        store.wakes.markRunning(id, at)
        const w = openWake(id)
        if (w !== undefined && w.trigger !== 'external') tally.bootMeasured(w.server, (at - w.requestedAt) / 1000)
      },
      finish (id, f) {
        const w = openWake(id) // read before the store closes it
        store.wakes.finish(id, f)
        if (w === undefined) return
        wakes.delete(id)
        tally.wakeFinished(w.server, w.trigger, f.outcome)
      }
    },
    shutdowns: {
      ...store.shutdowns,
      begin (s) {
        const id = store.shutdowns.begin(s)
        shutdowns.set(id, s.server)
        return id
      },
      finish (id, f) {
        const server = shutdownServer(id)
        store.shutdowns.finish(id, f)
        if (server === undefined) return
        shutdowns.delete(id)
        tally.shutdownFinished(server, f.outcome)
      }
    },
    events: observeReloadEvents(store.events, tally)
  }
}

/** The reloader records each reload in the event log: `config-reloaded` or `config-rejected`. */
export function observeReloadEvents<E extends LifecycleStore['events']> (events: E, tally: Pick<LifecycleTally, 'configReload'>): E {
  return {
    ...events,
    record (e) {
      events.record(e)
      if (e.kind === 'config-reloaded') tally.configReload('applied')
      else if (e.kind === 'config-rejected') tally.configReload('rejected')
    }
  }
}

/** Every failed check of every probe, by server and check type (ping, tcp, http). */
export function observeProber (prober: Prober, tally: Pick<LifecycleTally, 'probeFailed'>): Prober {
  return {
    ...prober,
    async probe (server, signal): Promise<ProbeOutcome> {
      const outcome = await prober.probe(server, signal)
      for (const check of outcome.checks) if (!check.ok) tally.probeFailed(server.name, check.type)
      return outcome
    }
  }
}
